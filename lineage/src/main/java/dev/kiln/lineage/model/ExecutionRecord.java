package dev.kiln.lineage.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;

/**
 * An execution as stored. {@code attempt} counts how often it was started (0 before the first
 * start). Times, executor, device, cache key, exit code and error message may be null. A node's
 * execution has {@code trial} 0 and no {@code parentId}; a trial of a task node has its number
 * (from 1) and the task execution's id as {@code parentId}.
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
    String errorMessage,
    String parentId,
    @JsonProperty("trial") int trial) {
  public ExecutionRecord {
    Checks.nonBlank(id, "execution id");
    Checks.nonBlank(runId, "run id");
    Checks.nonBlank(nodeName, "node name");
    Checks.nonBlank(stepName, "step name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Checks.trial(trial, parentId);
  }

  /**
   * Whether this is a trial of a task node (number 1, 2, ...) rather than a node's execution. Not
   * in the JSON: there {@code trial} is the number.
   */
  @JsonIgnore
  public boolean isTrial() {
    return trial > 0;
  }
}
