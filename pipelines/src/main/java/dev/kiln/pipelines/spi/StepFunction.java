package dev.kiln.pipelines.spi;

/**
 * The body of a Java step. Implementations need a public no-argument constructor: the executor
 * that runs the step (possibly in another JVM) creates them by class name.
 */
@FunctionalInterface
public interface StepFunction {
  /**
   * Does the step's work. Throwing fails the execution; whatever was written to {@link
   * StepContext#outputDir()} is kept all the same.
   */
  void run(StepContext context) throws Exception;
}
