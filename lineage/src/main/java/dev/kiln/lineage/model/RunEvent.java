package dev.kiln.lineage.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What can happen to a run; each event names its target state and the states it may follow. */
public enum RunEvent {
  START(RunStatus.RUNNING, EnumSet.of(RunStatus.CREATED)),
  SUCCEED(RunStatus.SUCCEEDED, EnumSet.of(RunStatus.RUNNING)),
  FAIL(RunStatus.FAILED, EnumSet.of(RunStatus.CREATED, RunStatus.RUNNING)),
  STOP(RunStatus.STOPPED, EnumSet.of(RunStatus.CREATED, RunStatus.RUNNING)),
  /**
   * Continue a run after an orchestrator crash (RUNNING stays RUNNING, the event is still recorded)
   * or after it was stopped or failed.
   */
  RESUME(RunStatus.RUNNING, EnumSet.of(RunStatus.RUNNING, RunStatus.STOPPED, RunStatus.FAILED));

  private final RunStatus target;
  private final Set<RunStatus> allowedFrom;

  RunEvent(RunStatus target, Set<RunStatus> allowedFrom) {
    this.target = target;
    this.allowedFrom = Collections.unmodifiableSet(EnumSet.copyOf(allowedFrom));
  }

  public RunStatus target() {
    return target;
  }

  /** The states this event may happen in, in declaration order, unmodifiable. */
  public Set<RunStatus> allowedFrom() {
    return allowedFrom;
  }
}
