package dev.kiln.runner.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the orchestrator asks one execution to stop. Executions are never stopped by interrupting
 * the orchestrator's threads: a thread interrupted inside the lineage store's file I/O closes the
 * database (H2 turns {@code ClosedByInterruptException} into a panic). Instead each executor
 * registers how its execution stops (kill the process group, set a flag an in-process step sees)
 * and the orchestrator calls {@link #cancel}. Thread-safe.
 */
public final class Cancellation {
  private final List<Runnable> actions = new ArrayList<>();
  private String reason;

  /** Whether {@link #cancel} was called. */
  public synchronized boolean isCancelled() {
    return reason != null;
  }

  /** Why it was cancelled, once it was. */
  public synchronized Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * Runs {@code action} when the execution is cancelled, at once when it already was. Actions run
   * on the thread that cancels and must not block for long.
   */
  public void onCancel(Runnable action) {
    boolean now;
    synchronized (this) {
      now = reason != null;
      if (!now) {
        actions.add(action);
      }
    }
    if (now) {
      action.run();
    }
  }

  /** Cancels; only the first call runs the actions. */
  public void cancel(String why) {
    List<Runnable> toRun;
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why == null ? "stopped" : why;
      toRun = List.copyOf(actions);
      actions.clear();
    }
    for (Runnable r : toRun) {
      r.run();
    }
  }
}
