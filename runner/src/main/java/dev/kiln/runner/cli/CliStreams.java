package dev.kiln.runner.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Adapts picocli's writers to the PrintStreams that library entry points print to. */
final class CliStreams {
  private CliStreams() {}

  static PrintStream printStream(PrintWriter writer) {
    return new PrintStream(
        new OutputStream() {
          @Override
          public void write(int b) {
            writer.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writer.write(new String(b, off, len, StandardCharsets.UTF_8));
          }

          @Override
          public void flush() {
            writer.flush();
          }
        },
        true,
        StandardCharsets.UTF_8);
  }
}
