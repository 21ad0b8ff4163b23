package dev.kiln.lineage.model;

import java.time.Instant;

/** A stored log line; {@code seq} counts from 1 per execution, in the order lines arrived. */
public record LogLine(long seq, LogStream stream, Instant time, String text) {}
