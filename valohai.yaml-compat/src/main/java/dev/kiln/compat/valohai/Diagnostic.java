package dev.kiln.compat.valohai;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.pipelines.validation.Severity;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in a {@code valohai.yaml}, located in the user's file so that editors and
 * terminals can jump to it. Lines and columns are 1-based; {@code line == 0} means the problem
 * concerns the whole file (it does not exist, it is binary...), and the location is not printed.
 */
public record Diagnostic(Path file, int line, int col, Severity severity, String message) {

  /** Orders by file, position, then errors before warnings, so output is stable. */
  public static final Comparator<Diagnostic> ORDER =
      Comparator.comparing((Diagnostic d) -> d.file().toString())
          .thenComparingInt(Diagnostic::line)
          .thenComparingInt(Diagnostic::col)
          .thenComparing(Diagnostic::severity)
          .thenComparing(Diagnostic::message);

  public Diagnostic {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    checkArgument(line >= 0 && col >= 0, "line and col must be >= 0: %s:%s", line, col);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code FILE:LINE:COL: error|warning: message}, or {@code FILE: error: message} for a whole-file problem. */
  @Override
  public String toString() {
    String where = line == 0 ? file.toString() : file + ":" + line + ":" + col;
    return where + ": " + severity.label() + ": " + message;
  }
}
