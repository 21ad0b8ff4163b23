package dev.kiln.lineage.model;

import static dev.kiln.lineage.model.ExecutionStatus.CREATED;
import static dev.kiln.lineage.model.ExecutionStatus.FAILED;
import static dev.kiln.lineage.model.ExecutionStatus.QUEUED;
import static dev.kiln.lineage.model.ExecutionStatus.RUNNING;
import static dev.kiln.lineage.model.ExecutionStatus.STOPPED;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What can happen to an execution; each event names its target state and allowed sources. */
public enum ExecutionEvent {
  /** Inputs are ready; waiting for an executor slot. */
  QUEUE(QUEUED, EnumSet.of(CREATED)),
  /** An executor took it; counts one more attempt. */
  START(RUNNING, EnumSet.of(CREATED, QUEUED)),
  SUCCEED(ExecutionStatus.SUCCEEDED, EnumSet.of(RUNNING)),
  /** Also before it ran, e.g. when its inputs could not be fetched. */
  FAIL(FAILED, EnumSet.of(CREATED, QUEUED, RUNNING)),
  STOP(STOPPED, EnumSet.of(CREATED, QUEUED, RUNNING)),
  /** Outputs taken from an earlier execution with the same cache key. */
  REUSE(ExecutionStatus.REUSED, EnumSet.of(CREATED, QUEUED)),
  SKIP(ExecutionStatus.SKIPPED, EnumSet.of(CREATED, QUEUED)),
  /** A trial that early stopping ended (its metric so far counts). */
  STOP_EARLY(ExecutionStatus.STOPPED_EARLY, EnumSet.of(RUNNING)),
  /** The orchestrator died while it ran; it goes back to the queue on resume. */
  INTERRUPT(QUEUED, EnumSet.of(RUNNING)),
  /** Run it again after a failure or a stop, or after it was skipped (a resumed run). */
  RETRY(QUEUED, EnumSet.of(FAILED, STOPPED, ExecutionStatus.SKIPPED));

  private final ExecutionStatus target;
  private final Set<ExecutionStatus> allowedFrom;

  ExecutionEvent(ExecutionStatus target, Set<ExecutionStatus> allowedFrom) {
    this.target = target;
    this.allowedFrom = Collections.unmodifiableSet(EnumSet.copyOf(allowedFrom));
  }

  public ExecutionStatus target() {
    return target;
  }

  /** The states this event may happen in, in declaration order, unmodifiable. */
  public Set<ExecutionStatus> allowedFrom() {
    return allowedFrom;
  }
}
