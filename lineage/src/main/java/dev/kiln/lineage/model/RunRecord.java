package dev.kiln.lineage.model;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.Objects;

/** A run as stored. {@code startedAt} and {@code finishedAt} are null until they happen. */
public record RunRecord(
    String id,
    String pipeline,
    RunStatus status,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String sourceFile,
    @JsonRawValue String paramsJson,
    CommitInfo commit) {
  public RunRecord {
    Checks.nonBlank(id, "run id");
    Checks.nonBlank(pipeline, "pipeline");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(paramsJson, "paramsJson");
  }
}
