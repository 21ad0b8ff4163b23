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
 * Runs a Java step in the orchestrator's JVM, on a thread of its own (so that stopping it never
 * interrupts a thread that may be inside the lineage store). Used for {@code beam} steps
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
    String[] device = {"cpu"};
    Guarded guarded = new Guarded(listener, device);
    Object[] outcome = new Object[1];
    Thread stepThread =
        new Thread(
            () -> {
              try {
                function.run(new LocalStepContext(request, guarded, engineOptions.get()));
                outcome[0] = Boolean.TRUE;
              } catch (Exception | LinkageError | AssertionError e) {
                outcome[0] = e;
              }
            },
            "kiln-step-" + request.nodeName());
    stepThread.setDaemon(true);
    // Cancelling mutes the listener first (under its lock, so the step thread is not inside the
    // store), then interrupts the step's own thread, never the orchestrator's.
    request.cancellation().onCancel(() -> guarded.mute(stepThread));
    stepThread.start();
    try {
      while (stepThread.isAlive()) {
        stepThread.join(100);
        if (request.cancellation().isCancelled()) {
          // A step that ignores interrupts keeps running, muted, until it returns; wait a little.
          stepThread.join(10_000);
          return new ExecutionResult(
              false, true, Optional.empty(),
              "stopped (" + request.cancellation().reason().orElse("stopped") + ")", device[0]);
        }
      }
    } catch (InterruptedException e) {
      guarded.mute(stepThread);
      throw e;
    }
    if (outcome[0] == Boolean.TRUE) {
      return new ExecutionResult(true, false, Optional.empty(), "finished", device[0]);
    }
    Throwable e = (Throwable) outcome[0];
    Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
    if (cause instanceof InterruptedException && request.cancellation().isCancelled()) {
      return new ExecutionResult(false, true, Optional.empty(), "stopped", device[0]);
    }
    Instant now = Instant.now();
    if (cause.getClass() == IllegalArgumentException.class && System.getenv("KILN_DEBUG") == null) {
      // How steps report a bad input or parameter: the message is the whole story.
      listener.line(new OutputLine(now, OutputLine.Stream.STDERR, "error: " + cause.getMessage()));
    } else {
      StringWriter trace = new StringWriter();
      cause.printStackTrace(new PrintWriter(trace));
      for (String line : trace.toString().split("\n")) {
        listener.line(new OutputLine(now, OutputLine.Stream.STDERR, line));
      }
    }
    return failed(String.valueOf(cause.getMessage() == null ? cause : cause.getMessage()));
  }

  /** Forwards to the real listener until muted; muting waits for a forward in progress. */
  private static final class Guarded implements ExecutionListener {
    private final ExecutionListener listener;
    private final String[] device;
    private boolean muted;

    Guarded(ExecutionListener listener, String[] device) {
      this.listener = listener;
      this.device = device;
    }

    synchronized void mute(Thread stepThread) {
      muted = true;
      stepThread.interrupt();
    }

    @Override
    public synchronized void line(OutputLine line) {
      if (!muted) {
        listener.line(line);
      }
    }

    @Override
    public synchronized void metadata(com.fasterxml.jackson.databind.node.ObjectNode entry) {
      if (!muted) {
        listener.metadata(entry);
      }
    }

    @Override
    public synchronized void device(String d) {
      if (!muted) {
        device[0] = d;
        listener.device(d);
      }
    }
  }

  private static ExecutionResult failed(String detail) {
    return new ExecutionResult(false, false, Optional.empty(), detail, "cpu");
  }
}
