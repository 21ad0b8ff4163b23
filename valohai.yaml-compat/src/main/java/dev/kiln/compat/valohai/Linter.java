package dev.kiln.compat.valohai;

import dev.kiln.pipelines.validation.Severity;
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

  /** The lint of one file: its diagnostics in file order, and whether they fail the lint. */
  public record Result(Path file, List<Diagnostic> diagnostics, boolean failed) {
    public Result {
      diagnostics = List.copyOf(diagnostics);
    }

    /** {@link #OK} or {@link #FAILED}. */
    public int exitCode() {
      return failed ? FAILED : OK;
    }
  }

  /** Every diagnostic of one file, errors and warnings and notes, in file order. */
  public static List<Diagnostic> lint(Path file) {
    return ValohaiYaml.read(file).diagnostics();
  }

  /** Lints one file; with {@code strict}, warnings fail it too. Never throws for bad input. */
  public static Result lint(Path file, boolean strict) {
    List<Diagnostic> ds = lint(file);
    return new Result(file, ds, fails(ds, strict));
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
      Result r = lint(f, strict);
      all.addAll(r.diagnostics());
      failed |= r.failed();
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
