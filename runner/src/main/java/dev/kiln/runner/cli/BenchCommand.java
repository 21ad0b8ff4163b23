package dev.kiln.runner.cli;

import dev.kiln.runner.cli.spi.BenchmarkCommand;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench}: benchmarks of Kiln itself. Each subcommand is a {@link BenchmarkCommand}
 * found with {@link ServiceLoader} (the {@code kiln-bench} jar); results go to docs/benchmarks.md
 * by hand.
 */
@Command(name = "bench", description = "Benchmarks of Kiln itself.")
final class BenchCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  /** Adds every benchmark on the class path to {@code bench} as a subcommand. */
  static CommandLine withBenchmarks(CommandLine bench) {
    List<BenchmarkCommand> found =
        ServiceLoader.load(BenchmarkCommand.class, BenchCommand.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get)
            .sorted(Comparator.comparing(BenchmarkCommand::name))
            .toList();
    for (BenchmarkCommand b : found) {
      bench.addSubcommand(b.name(), b.command());
    }
    return bench;
  }

  @Override
  public void run() {
    CommandLine cl = spec.commandLine();
    if (cl.getSubcommands().isEmpty()) {
      cl.getErr()
          .println(
              "kiln bench: no benchmarks on the class path; they are in the bench/ module:"
                  + " build it with mvn -q package -DskipTests");
      return;
    }
    cl.usage(cl.getOut());
  }
}
