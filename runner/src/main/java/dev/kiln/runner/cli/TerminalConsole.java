package dev.kiln.runner.cli;

import dev.kiln.runner.orchestrator.Console;
import java.io.PrintWriter;

/**
 * Prints step output with its node's name ({@code [train] epoch 1}) and Kiln's own status lines
 * ({@code kiln: train: started}), all on standard error, so standard output carries only the run id.
 */
final class TerminalConsole implements Console {
  private final PrintWriter err;

  TerminalConsole(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void stepLine(String node, boolean stderr, String text) {
    err.println("[" + node + "] " + text);
    err.flush();
  }

  @Override
  public synchronized void status(String text) {
    err.println("kiln: " + text);
    err.flush();
  }
}
