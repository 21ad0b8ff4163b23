package dev.kiln.runner.executor;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.runner.process.OutputLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs a Java step in the orchestrator's JVM, on the calling thread. Used for {@code beam} steps
 * (so every Beam step shares the orchestrator's engine instead of starting one per step) and as
 * the fallback for {@code djl} steps.
 */
public final class InProcessJavaExecutor implements Executor {
  private final ExecutorKind kind;
  private final ClassLoader loader;
  private final java.util.function.Supplier<java.util.Map<String, String>> engineOptions;

  /**
   * @param engineOptions what steps get from {@link
   *     dev.kiln.pipelines.spi.StepContext#engineOptions()}; asked for each execution, so an engine
   *     can start lazily on first use
   */
  public InProcessJavaExecutor(
      ExecutorKind kind,
      ClassLoader loader,
      java.util.function.Supplier<java.util.Map<String, String>> engineOptions) {
    this.kind = kind;
    this.loader = loader;
    this.engineOptions = engineOptions;
  }

  @Override
  public ExecutorKind kind() {
    return kind;
  }

  @Override
  public ExecutionResult execute(ExecutionRequest request, ExecutionListener listener)
      throws InterruptedException {
    if (!(request.step().run() instanceof StepRun.JavaFunction java)) {
      throw new IllegalArgumentException(
          "step " + request.step().name() + " is a command, not a Java step");
    }
    StepFunction function;
    try {
      Class<?> c = Class.forName(java.className(), true, loader);
      function = (StepFunction) c.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      return failed(
          "step \"" + request.step().name() + "\": its class " + java.className()
              + " is not on the class path");
    } catch (ClassCastException e) {
      return failed(java.className() + " does not implement StepFunction");
    } catch (ReflectiveOperationException e) {
      return failed(
          "cannot create " + java.className() + " (it needs a public no-argument constructor): "
              + e);
    }
    try {
      String[] device = {"cpu"};
      ExecutionListener tracking =
          new ExecutionListener() {
            @Override
            public void line(dev.kiln.runner.process.OutputLine line) {
              listener.line(line);
            }

            @Override
            public void metadata(com.fasterxml.jackson.databind.node.ObjectNode entry) {
              listener.metadata(entry);
            }

            @Override
            public void device(String d) {
              device[0] = d;
              listener.device(d);
            }
          };
      function.run(new LocalStepContext(request, tracking, engineOptions.get()));
      return new ExecutionResult(true, false, Optional.empty(), "finished", device[0]);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception | LinkageError | AssertionError e) {
      Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      StringWriter trace = new StringWriter();
      cause.printStackTrace(new PrintWriter(trace));
      Instant now = Instant.now();
      for (String line : trace.toString().split("\n")) {
        listener.line(new OutputLine(now, OutputLine.Stream.STDERR, line));
      }
      return failed(String.valueOf(cause.getMessage() == null ? cause : cause.getMessage()));
    }
  }

  private static ExecutionResult failed(String detail) {
    return new ExecutionResult(false, false, Optional.empty(), detail, "cpu");
  }
}
