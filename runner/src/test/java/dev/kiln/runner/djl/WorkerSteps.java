package dev.kiln.runner.djl;

import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import java.nio.file.Files;
import java.util.Map;

/** Steps the worker tests run in a worker JVM. */
final class WorkerSteps {
  private WorkerSteps() {}

  /** Logs, reports metrics and a device, prints to System.out, and writes an output file. */
  public static final class Echo implements StepFunction {
    @Override
    public void run(StepContext context) throws Exception {
      String message = context.stringParameter("message");
      long count = context.longParameter("count");
      context.log("hello " + message);
      System.out.println("a library printing");
      context.reportDevice("cpu");
      context.logMetrics(Map.of("step", count, "loss", 0.25));
      Files.writeString(context.outputDir().resolve("echo.txt"),
          message + " x" + count + " offline=" + System.getProperty("ai.djl.offline")
              + " in=" + Files.readString(context.inputDir("data").resolve("a.txt"))
              + " omp=" + System.getenv("OMP_WAIT_POLICY")
              + " preload=" + System.getenv("LD_PRELOAD"));
    }
  }

  /** Fails as a step does when its input is wrong. */
  public static final class Failing implements StepFunction {
    @Override
    public void run(StepContext context) {
      throw new IllegalArgumentException("input \"data\" is empty");
    }
  }

  /** Writes its process id and then waits forever. */
  public static final class Sleeping implements StepFunction {
    @Override
    public void run(StepContext context) throws Exception {
      Files.writeString(
          context.outputDir().resolve("pid"), String.valueOf(ProcessHandle.current().pid()));
      context.log("sleeping");
      Thread.sleep(600_000);
    }
  }

  /** Writes the device the executor gave it, then waits for the file {@code release}. */
  public static final class DeviceHolder implements StepFunction {
    @Override
    public void run(StepContext context) throws Exception {
      String device = context.engineOptions().get("djl.device");
      context.reportDevice(device);
      Files.writeString(context.outputDir().resolve("device"), device);
      java.nio.file.Path release = context.outputDir().resolve("release");
      while (!Files.exists(release)) {
        Thread.sleep(20);
      }
    }
  }
}
