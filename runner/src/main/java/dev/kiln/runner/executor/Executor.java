package dev.kiln.runner.executor;

import dev.kiln.pipelines.ExecutorKind;

/** Runs executions of one {@link ExecutorKind}. Stopping is by interrupting the calling thread. */
public interface Executor extends AutoCloseable {
  ExecutorKind kind();

  /**
   * Runs one execution to its end. Never throws for a failure of the step itself: that is a
   * result. Throws {@link InterruptedException} when the run is being stopped.
   */
  ExecutionResult execute(ExecutionRequest request, ExecutionListener listener)
      throws InterruptedException;

  @Override
  default void close() {}
}
