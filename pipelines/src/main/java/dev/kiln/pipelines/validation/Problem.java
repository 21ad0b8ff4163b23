package dev.kiln.pipelines.validation;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with a definition.
 *
 * @param code a stable identifier for tests and tools ({@code unknown-node}, {@code cycle}, ...)
 * @param location where it was written, when it came from a file
 * @param hint how to fix it, when there is something useful to say ({@code did you mean "train"?})
 */
public record Problem(
    Severity severity,
    String code,
    ModelPath path,
    Optional<SourceLocation> location,
    String message,
    Optional<String> hint) {

  public Problem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hint, "hint");
  }

  public static Problem error(String code, ModelPath path, String message) {
    return new Problem(Severity.ERROR, code, path, Optional.empty(), message, Optional.empty());
  }

  public static Problem warning(String code, ModelPath path, String message) {
    return new Problem(Severity.WARNING, code, path, Optional.empty(), message, Optional.empty());
  }

  public static Problem note(String code, ModelPath path, String message) {
    return new Problem(Severity.NOTE, code, path, Optional.empty(), message, Optional.empty());
  }

  public Problem withHint(String newHint) {
    return new Problem(severity, code, path, location, message, Optional.ofNullable(newHint));
  }

  public Problem withLocation(SourceLocation newLocation) {
    return new Problem(severity, code, path, Optional.ofNullable(newLocation), message, hint);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The message with its path and hint, without location or severity. */
  public String describe() {
    return path + ": " + message + hint.map(h -> "; " + h).orElse("");
  }

  /** {@code file:line:col: error: path: message; hint}, as compilers print. */
  @Override
  public String toString() {
    return location.map(l -> l + ": ").orElse("") + severity.label() + ": " + describe();
  }
}
