package dev.kiln.lineage;

import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A state change that the run or execution state machine does not allow, e.g. succeeding an
 * execution that never started. Usually an orchestrator bug, or two orchestrators driving the same
 * run; the message names the run, the node, the event and the current state.
 */
public class IllegalTransitionException extends LineageStoreException {
  private static final long serialVersionUID = 1L;

  private final String runId;
  private final String nodeName;
  private final String event;
  private final String currentState;

  IllegalTransitionException(
      String runId, String nodeName, String event, String currentState, String message) {
    super(message);
    this.runId = runId;
    this.nodeName = nodeName;
    this.event = event;
    this.currentState = currentState;
  }

  static IllegalTransitionException ofRun(RunRecord run, RunEvent event) {
    return new IllegalTransitionException(
        run.id(),
        null,
        event.name(),
        run.status().name(),
        "run "
            + run.id()
            + " of pipeline \""
            + run.pipeline()
            + "\": cannot "
            + event
            + " a run that is "
            + run.status()
            + " ("
            + event
            + " is allowed when the run is "
            + orList(event.allowedFrom())
            + ")");
  }

  static IllegalTransitionException ofExecution(ExecutionRecord execution, ExecutionEvent event) {
    return new IllegalTransitionException(
        execution.runId(),
        execution.nodeName(),
        event.name(),
        execution.status().name(),
        where(execution)
            + ": cannot "
            + event
            + " an execution that is "
            + execution.status()
            + " ("
            + event
            + " is allowed when the execution is "
            + orList(event.allowedFrom())
            + ")");
  }

  static String where(ExecutionRecord execution) {
    return "run "
        + execution.runId()
        + " node \""
        + execution.nodeName()
        + "\" (execution "
        + execution.id()
        + ")";
  }

  static String orList(Collection<?> states) {
    String all = states.stream().map(Object::toString).collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return last < 0 ? all : all.substring(0, last) + " or " + all.substring(last + 2);
  }

  public String runId() {
    return runId;
  }

  /** Null for a run-level event. */
  public String nodeName() {
    return nodeName;
  }

  public String event() {
    return event;
  }

  public String currentState() {
    return currentState;
  }
}
