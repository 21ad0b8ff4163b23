package dev.kiln.runner.cli;

import dev.kiln.compat.valohai.Linter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln lint [--strict] FILE...}. */
@Command(
    name = "lint",
    description = {
      "Check valohai.yaml files. Prints every problem as FILE:LINE:COL: error|warning|note: message.",
      "Exit code 0 when valid, 1 on errors (and on warnings with --strict)."
    })
final class LintCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--strict", description = "treat warnings as errors")
  boolean strict;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "valohai.yaml files")
  List<Path> files;

  @Override
  public Integer call() {
    PrintStream out = CliStreams.printStream(spec.commandLine().getOut());
    int code = Linter.run(files, strict, out);
    out.flush();
    return code;
  }
}
