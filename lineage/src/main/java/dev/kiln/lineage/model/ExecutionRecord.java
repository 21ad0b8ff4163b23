package dev.kiln.lineage.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An execution as stored. {@code attempt} counts how often it was started (0 before the first
 * start). Times, executor, device, cache key, exit code and error message may be null.
 */
public record ExecutionRecord(
    String id,
    String runId,
    String nodeName,
    String stepName,
    ExecutionStatus status,
    String executor,
    String device,
    int attempt,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String cacheKey,
    Integer exitCode,
    String errorMessage) {
  public ExecutionRecord {
    Checks.nonBlank(id, "execution id");
    Checks.nonBlank(runId, "run id");
    Checks.nonBlank(nodeName, "node name");
    Checks.nonBlank(stepName, "step name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
