package dev.kiln.compat.valohai;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kiln lint [--strict] FILE...}: prints every problem as {@code FILE:LINE:COL: error|warning:
 * message} and says by its exit code whether the files are usable.
 */
public final class Linter {
  /** Exit code: every file is valid. */
  public static final int OK = 0;

  /** Exit code: at least one error (or, with strict, a warning). */
  public static final int FAILED = 1;

  private Linter() {}

  /** Every diagnostic of one file, errors and warnings and notes, in file order. */
  public static List<Diagnostic> lint(Path file) {
    return ValohaiYaml.read(file).diagnostics();
  }

  /** True when {@code diagnostics} fail a lint: any error, or with {@code strict} any warning. */
  public static boolean fails(List<Diagnostic> diagnostics, boolean strict) {
    return diagnostics.stream()
        .anyMatch(
            d -> d.severity() == Severity.ERROR || (strict && d.severity() == Severity.WARNING));
  }

  /**
   * Lints {@code files}, printing each diagnostic on its own line to {@code out} and a summary line,
   * and returns the process exit code ({@link #OK} or {@link #FAILED}). Never throws for bad input.
   */
  public static int run(List<Path> files, boolean strict, PrintStream out) {
    boolean failed = false;
    int errors = 0;
    int warnings = 0;
    List<Diagnostic> all = new ArrayList<>();
    for (Path f : files) {
      List<Diagnostic> ds = lint(f);
      all.addAll(ds);
      failed |= fails(ds, strict);
    }
    for (Diagnostic d : all) {
      out.println(d);
      if (d.severity() == Severity.ERROR) {
        errors++;
      } else if (d.severity() == Severity.WARNING) {
        warnings++;
      }
    }
    out.println(
        files.size() + (files.size() == 1 ? " file" : " files") + ": " + errors
            + (errors == 1 ? " error, " : " errors, ") + warnings
            + (warnings == 1 ? " warning" : " warnings") + (strict && warnings > 0 ? " (strict)" : ""));
    return failed ? FAILED : OK;
  }
}
