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

/** {@code kiln bench trial-overhead}: the orchestrator's own cost per tuning trial. */
public final class TrialOverheadBenchCommand implements BenchmarkCommand {
  @Override
  public String name() {
    return "trial-overhead";
  }

  @Override
  public Object command() {
    return new Run();
  }

  @Command(
      name = "trial-overhead",
      description =
          "The orchestrator's own cost per tuning trial (trials that only print their metric, on"
              + " the embedded store); prints a Markdown table. Target: at most 50 ms per trial.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--trials", split = ",", defaultValue = "50,200",
        description = "trials per job (default ${DEFAULT-VALUE})")
    List<Integer> trials;

    @Option(names = "--parallel", split = ",", defaultValue = "1,2",
        description = "maxParallelTrials (default ${DEFAULT-VALUE})")
    List<Integer> parallel;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      TrialOverheadBench.run(trials, parallel, out);
      return 0;
    }
  }
}
