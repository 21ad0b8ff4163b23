package dev.kiln.runner.cli;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.Direction;
import dev.kiln.lineage.model.LineageGraph;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln lineage datum://ID --up|--down [--hops N] [--json]}. */
@Command(
    name = "lineage",
    description = {
      "How an artifact was made (--up: the executions and inputs behind it) or what used it",
      "(--down: the executions that read it and what they made)."
    })
final class LineageCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "DATUM", description = "datum://SHA256 (as kiln show prints)")
  String datum;

  static final class Dir {
    @Option(names = "--up", required = true) boolean up;
    @Option(names = "--down", required = true) boolean down;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Dir dir;

  @Option(names = "--hops", defaultValue = "10", description = "how many executions deep (default ${DEFAULT-VALUE})")
  int hops;

  @Option(names = "--json")
  boolean json;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    try (LineageStore store = KilnRuntime.openStore()) {
      LineageGraph g;
      try {
        g = store.lineage(datum, dir.up ? Direction.UP : Direction.DOWN, hops);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      if (json) {
        out.println(g.toJson());
      } else {
        g.nodes().forEach(n -> out.println(n));
        g.edges().forEach(e -> out.println(e.from() + " -" + e.kind() + "-> " + e.to()));
      }
      return 0;
    }
  }
}
