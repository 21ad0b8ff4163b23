package dev.kiln.runner.process;

import java.time.Instant;
import java.util.Objects;

/** One line a process printed, with when it arrived and on which stream. */
public record OutputLine(Instant time, Stream stream, String text) {
  /** Standard output or standard error. */
  public enum Stream {
    STDOUT,
    STDERR
  }

  public OutputLine {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(text, "text");
  }
}
