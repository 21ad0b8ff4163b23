package dev.kiln.runner.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** How much of a run the terminal shows; shared by the commands that run pipelines. */
final class ConsoleOptions {
  @Option(
      names = "--verbose",
      description =
          "print every line the steps write, metric lines and native warnings included (by"
              + " default metrics are folded into one progress line per node; all is in the store)")
  boolean verbose;

  TerminalConsole console(PrintWriter err) {
    return new TerminalConsole(err, verbose);
  }
}
