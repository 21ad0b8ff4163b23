package dev.kiln.lineage.model;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * A stored metadata entry. {@code step} and {@code epoch} are the entry's numeric fields of those
 * names (null when absent or not numbers), kept apart so charts need not parse every row.
 */
public record MetadataEntry(
    long seq, Instant time, @JsonRawValue String json, Double step, Double epoch) {}
