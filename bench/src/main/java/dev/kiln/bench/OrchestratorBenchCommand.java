package dev.kiln.bench;

import dev.kiln.runner.cli.spi.BenchmarkCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln bench orchestrator}: the orchestrator's own cost per node ({@link OrchestratorBench}). */
public final class OrchestratorBenchCommand implements BenchmarkCommand {
  @Override
  public String name() {
    return "orchestrator";
  }

  @Override
  public Object command() {
    return new Run();
  }

  @Command(
      name = "orchestrator",
      description =
          "Overhead per node of a fan-out/fan-in pipeline of no-op steps on the embedded store;"
              + " prints a Markdown table.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--nodes",
        split = ",",
        defaultValue = "1000,10000",
        description = "pipeline sizes (default ${DEFAULT-VALUE})")
    List<Integer> nodes;

    @Option(
        names = "--slots",
        defaultValue = "2",
        description = "parallel executions (default ${DEFAULT-VALUE})")
    int slots;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      OrchestratorBench.run(nodes, slots, out);
      return 0;
    }
  }
}
