package dev.kiln.runner.executor;

import dev.kiln.pipelines.ExecutorKind;

/**
 * Runs executions of one {@link ExecutorKind}. Stopping is by the request's {@link Cancellation},
 * never by interrupting the calling thread (that thread may be inside the lineage store).
 */
public interface Executor extends AutoCloseable {
  ExecutorKind kind();

  /**
   * Runs one execution to its end. Never throws for a failure of the step itself: that is a
   * result. A cancelled execution returns a result with {@code stopped} set; {@link
   * InterruptedException} is only for a caller that interrupts its own thread.
   */
  ExecutionResult execute(ExecutionRequest request, ExecutionListener listener)
      throws InterruptedException;

  @Override
  default void close() {}
}
