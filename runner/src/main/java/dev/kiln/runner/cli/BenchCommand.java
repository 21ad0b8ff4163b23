package dev.kiln.runner.cli;

import dev.kiln.runner.bench.OrchestratorBench;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln bench}: measures Kiln's own overhead. Results go to docs/benchmarks.md by hand. */
@Command(
    name = "bench",
    description = "Benchmarks of Kiln itself.",
    subcommands = {BenchCommand.Orchestrator.class})
final class BenchCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "orchestrator",
      description =
          "Overhead per node of a fan-out/fan-in pipeline of no-op steps on the embedded store;"
              + " prints a Markdown table.")
  static final class Orchestrator implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", split = ",", defaultValue = "1000,10000",
        description = "pipeline sizes (default ${DEFAULT-VALUE})")
    List<Integer> nodes;

    @Option(names = "--slots", defaultValue = "2", description = "parallel executions (default ${DEFAULT-VALUE})")
    int slots;

    @Override
    public Integer call() throws IOException {
      OrchestratorBench.run(nodes, slots, spec.commandLine().getOut());
      return 0;
    }
  }
}
