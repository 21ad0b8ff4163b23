package dev.kiln.runner.cli.spi;

/**
 * One {@code kiln bench NAME} subcommand. Benchmarks live outside the production jars (the {@code
 * bench/} module, {@code kiln-bench}); {@code kiln bench} finds them with {@link
 * java.util.ServiceLoader} when that jar is on the class path, which {@code ./kiln} arranges once
 * it is built.
 */
public interface BenchmarkCommand {
  /** The subcommand's name, as in {@code kiln bench orchestrator}. */
  String name();

  /**
   * A fresh picocli command object (annotated with {@code @Command}, usually a {@code
   * Callable<Integer>}) that parses the benchmark's options and runs it.
   */
  Object command();
}
