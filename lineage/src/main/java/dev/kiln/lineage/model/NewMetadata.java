package dev.kiln.lineage.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A metadata (metrics) entry to append: one JSON object as a step printed it, e.g. {@code {"epoch":
 * 3, "loss": 0.41}}. The store numbers it and extracts numeric {@code step} and {@code epoch}
 * fields for charting.
 */
public record NewMetadata(Instant time, String json) {
  public NewMetadata {
    Objects.requireNonNull(time, "time");
    JsonSupport.parseObject(json == null ? "" : json, "metadata entry");
  }
}
