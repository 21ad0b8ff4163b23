package dev.kiln.tests;

import dev.kiln.runner.cli.KilnCli;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the kiln command line in this JVM and captures what it prints. */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KilnCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  String all() {
    return out + err;
  }
}
