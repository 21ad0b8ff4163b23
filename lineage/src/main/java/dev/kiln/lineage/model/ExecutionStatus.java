package dev.kiln.lineage.model;

import java.util.Optional;

/**
 * Where one execution (a node of a run) stands. REUSED means its outputs were taken from an earlier
 * execution with the same cache key; SKIPPED means it will not run (an upstream node failed, or the
 * run was told to skip it). STOPPED_EARLY is a trial of a tuning job that early stopping ended: not
 * failed, and its metric so far still counts.
 */
public enum ExecutionStatus {
  CREATED,
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  STOPPED,
  REUSED,
  SKIPPED,
  STOPPED_EARLY;

  /** True when the execution will not change again unless it is retried. */
  public boolean isFinished() {
    return this == SUCCEEDED
        || this == FAILED
        || this == STOPPED
        || this == REUSED
        || this == SKIPPED
        || this == STOPPED_EARLY;
  }

  /** True when downstream nodes may use this execution's outputs. */
  public boolean hasUsableOutputs() {
    return this == SUCCEEDED || this == REUSED;
  }

  /**
   * The transition function: the state after {@code event}, or empty when the event is not allowed
   * in this state.
   */
  public Optional<ExecutionStatus> after(ExecutionEvent event) {
    return event.allowedFrom().contains(this) ? Optional.of(event.target()) : Optional.empty();
  }
}
