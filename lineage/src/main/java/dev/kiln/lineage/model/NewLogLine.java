package dev.kiln.lineage.model;

import java.time.Instant;
import java.util.Objects;

/** A log line to append; the store numbers it. */
public record NewLogLine(LogStream stream, Instant time, String text) {
  public NewLogLine {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(text, "text");
  }
}
