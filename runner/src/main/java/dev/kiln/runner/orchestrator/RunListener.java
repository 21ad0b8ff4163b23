package dev.kiln.runner.orchestrator;

/**
 * Told of a run's life as the orchestrator records it (OpenLineage events, live viewers). Called
 * after the store has the change; implementations must not throw and must return quickly. The
 * console and early stopping have their own hooks: status lines and each trial's metadata line.
 */
public interface RunListener {
  default void runStarted(String runId) {}

  default void executionStarted(String runId, String executionId) {}

  default void executionFinished(String runId, String executionId) {}

  default void runFinished(String runId) {}
}
