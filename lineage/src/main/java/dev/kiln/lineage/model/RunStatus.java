package dev.kiln.lineage.model;

import java.util.Optional;

/**
 * Where a run stands. Finished states are final except through {@link RunEvent#RESUME}, which lets
 * a stopped or failed run go on where it stopped instead of starting over.
 */
public enum RunStatus {
  CREATED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  STOPPED;

  /** True for SUCCEEDED, FAILED and STOPPED: nothing of the run is running or due to run. */
  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED || this == STOPPED;
  }

  /**
   * The transition function: the state after {@code event}, or empty when the event is not allowed
   * in this state.
   */
  public Optional<RunStatus> after(RunEvent event) {
    return event.allowedFrom().contains(this) ? Optional.of(event.target()) : Optional.empty();
  }
}
