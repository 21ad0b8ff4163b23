package dev.kiln.bench;

import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;

/** A step that does nothing, so a run's time is the orchestrator's own. */
public final class NoopStep implements StepFunction {
  @Override
  public void run(StepContext context) {
    // nothing: the benchmark measures what happens around a step
  }
}
