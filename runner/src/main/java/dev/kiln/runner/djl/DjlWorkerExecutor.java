package dev.kiln.runner.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.StepRun;
import dev.kiln.runner.executor.ExecutionListener;
import dev.kiln.runner.executor.ExecutionRequest;
import dev.kiln.runner.executor.ExecutionResult;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.process.OutputLine;
import dev.kiln.runner.process.ProcessGroups;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs {@code djl} steps in a worker JVM ({@code java -Dai.djl.offline=true -cp CLASSPATH
 * dev.kiln.runner.djl.WorkerMain}). The worker streams logs, metrics and the device back as JSON
 * lines, which this executor hands to the listener as they come, so the orchestrator records them
 * live. Cancelling the request (or interrupting the calling thread) kills the worker and its
 * children.
 *
 * <p>GPUs are slots: each execution takes a free GPU ({@code djl.device=cuda:N} in the engine
 * options) and gives it back when it ends, so two executions never share a GPU; when none is free
 * (or there are none) the execution gets {@code djl.device=cpu}. Engine options that already name
 * {@code djl.device} are passed unchanged. The worker reports the device the step actually used,
 * which the orchestrator records with the execution.
 */
public final class DjlWorkerExecutor implements Executor {
  private final String classpath;
  private final List<String> jvmOptions;
  private final Supplier<Map<String, String>> engineOptions;
  private final GpuSlots gpus;

  /**
   * @param classpath the worker's class path (the orchestrator's own, usually)
   * @param jvmOptions extra options for the worker JVM, e.g. {@code -Xmx4g}
   * @param engineOptions what steps see as {@code StepContext.engineOptions()}, asked per execution
   * @param gpus how many GPUs there are to hand out, one execution each
   */
  public DjlWorkerExecutor(
      String classpath,
      List<String> jvmOptions,
      Supplier<Map<String, String>> engineOptions,
      int gpus) {
    this.classpath = Objects.requireNonNull(classpath, "classpath");
    this.jvmOptions = List.copyOf(jvmOptions);
    this.engineOptions = Objects.requireNonNull(engineOptions, "engineOptions");
    this.gpus = new GpuSlots(gpus);
  }

  /** A worker without GPUs to hand out: steps use what {@code engineOptions} says, else the CPU. */
  public DjlWorkerExecutor(
      String classpath, List<String> jvmOptions, Supplier<Map<String, String>> engineOptions) {
    this(classpath, jvmOptions, engineOptions, 0);
  }

  /** A worker with this JVM's class path and no extra options. */
  public static DjlWorkerExecutor withCurrentClasspath() {
    return new DjlWorkerExecutor(System.getProperty("java.class.path"), List.of(), Map::of);
  }

  /**
   * The executor {@code kiln} uses: this JVM's class path (the runner's jar and its {@code lib/}),
   * {@code jvmOptions} split on white space (from {@code KILN_DJL_JAVA_OPTS}), and {@code gpus}
   * GPU slots.
   */
  public static DjlWorkerExecutor forThisJvm(String jvmOptions, int gpus) {
    List<String> options =
        jvmOptions == null || jvmOptions.isBlank()
            ? List.of()
            : List.of(jvmOptions.trim().split("\\s+"));
    return new DjlWorkerExecutor(
        System.getProperty("java.class.path"), options, Map::of, gpus);
  }

  /**
   * GPUs the DJL steps can use: {@code KILN_GPUS} when set; else none when the class path holds
   * only a CPU build of the PyTorch native library (no {@code pytorch-native-cu*} jar: a GPU would
   * be unusable, and the slot would record a device the step never used); else the NVIDIA device
   * files {@code /dev/nvidia0..N} (counting them does not load CUDA into the orchestrator).
   */
  public static int gpuCount(Map<String, String> env, Path dev, String classpath) {
    String configured = env.get("KILN_GPUS");
    if (configured != null && !configured.isBlank()) {
      try {
        int n = Integer.parseInt(configured.trim());
        if (n < 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "KILN_GPUS must be a whole number of GPUs (0 or more), was \"" + configured + "\"");
      }
    }
    if (!classpath.contains("pytorch-native-cu") || !Files.isDirectory(dev)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dev)) {
      return (int)
          s.map(p -> p.getFileName().toString()).filter(n -> n.matches("nvidia[0-9]+")).count();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public ExecutorKind kind() {
    return ExecutorKind.DJL;
  }

  /** The worker's command line for a request file. */
  List<String> command(Path requestFile) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dai.djl.offline=true");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(WorkerMain.class.getName());
    cmd.add(requestFile.toString());
    return cmd;
  }

  @Override
  public ExecutionResult execute(ExecutionRequest request, ExecutionListener listener)
      throws InterruptedException {
    if (!(request.step().run() instanceof StepRun.JavaFunction java)) {
      throw new IllegalArgumentException(
          "step " + request.step().name() + " is a command, not a Java step");
    }
    Map<String, String> options = new LinkedHashMap<>(engineOptions.get());
    OptionalInt gpu = OptionalInt.empty();
    if (!options.containsKey("djl.device")) {
      gpu = gpus.acquire();
      options.put("djl.device", gpu.isPresent() ? "cuda:" + gpu.getAsInt() : "cpu");
    }
    try {
      return run(request, java.className(), listener, options);
    } finally {
      gpu.ifPresent(gpus::release);
    }
  }

  private ExecutionResult run(
      ExecutionRequest request,
      String stepClass,
      ExecutionListener listener,
      Map<String, String> options)
      throws InterruptedException {
    Path requestFile = request.directory().configDir().resolve("djl-worker.json");
    NativeAllocator.Choice allocator;
    try {
      allocator = NativeAllocator.choose(System.getenv());
    } catch (IllegalArgumentException e) {
      return failed(e.getMessage());
    }
    Process process;
    try {
      WorkerProtocol.Request r =
          new WorkerProtocol.Request(
              stepClass,
              request.executionId(),
              request.parameters(),
              request.directory().inputsDir().toString(),
              request.directory().outputsDir().toString(),
              options);
      WorkerProtocol.JSON.writerWithDefaultPrettyPrinter()
          .writeValue(requestFile.toFile(), WorkerProtocol.encode(r));
      ProcessBuilder pb =
          new ProcessBuilder(ProcessGroups.inOwnGroup(command(requestFile)));
      pb.directory(request.repositoryDir().toFile());
      pb.environment()
          .putAll(
              request.directory().environment(
                  request.executionId(), request.runId(), request.nodeName(),
                  request.repositoryDir()));
      // libtorch's OpenMP threads spin while they wait by default; on a machine shared with other
      // work that starves them (measured: 3.5 instead of 25 images/s at load 11, see
      // docs/benchmarks.md). Passive waiting costs little when the machine is idle.
      pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
      NativeAllocator.apply(allocator, pb.environment());
      listener.line(new OutputLine(Instant.now(), OutputLine.Stream.STDOUT, allocator.description()));
      process = pb.start();
      // stdin stays open and unused: the worker exits when it closes (see WorkerMain).
      listener.processGroup(process.pid());
    } catch (IOException e) {
      return failed("cannot start the DJL worker JVM: " + e.getMessage());
    }
    AtomicReference<String> device = new AtomicReference<>("cpu");
    AtomicReference<JsonNode> result = new AtomicReference<>();
    Thread out = pump(process.getInputStream(), true, listener, device, result, request);
    Thread err = pump(process.getErrorStream(), false, listener, device, result, request);
    try {
      while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        if (request.cancellation().isCancelled()) {
          kill(process, out, err);
          return new ExecutionResult(
              false, true, Optional.empty(),
              "stopped (" + request.cancellation().reason().orElse("stopped") + ")",
              device.get());
        }
      }
      out.join(10_000);
      err.join(10_000);
      closeQuietly(process.getOutputStream());
    } catch (InterruptedException e) {
      kill(process, out, err);
      throw new InterruptedException("DJL worker of " + request.nodeName() + " killed");
    }
    JsonNode r = result.get();
    int code = process.exitValue();
    if (r == null) {
      return new ExecutionResult(false, false, Optional.of(code),
          "the DJL worker exited with " + code + " before reporting a result", device.get());
    }
    if (r.path("ok").asBoolean()) {
      return new ExecutionResult(true, false, Optional.of(code), "finished", device.get());
    }
    return new ExecutionResult(false, false, Optional.of(code),
        r.path("error").asText("the step failed"), device.get());
  }

  private static void closeQuietly(OutputStream s) {
    try {
      s.close();
    } catch (IOException e) {
      // the worker is gone already
    }
  }

  private static void kill(Process process, Thread out, Thread err) throws InterruptedException {
    ProcessGroups.killGroup(process.pid());
    closeQuietly(process.getOutputStream());
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.onExit().join();
    out.join(2_000);
    err.join(2_000);
  }

  private static ExecutionResult failed(String detail) {
    return new ExecutionResult(false, false, Optional.empty(), detail, "cpu");
  }

  private static Thread pump(
      InputStream in,
      boolean protocol,
      ExecutionListener listener,
      AtomicReference<String> device,
      AtomicReference<JsonNode> result,
      ExecutionRequest request) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (protocol) {
                    handle(line, listener, device, result);
                  } else {
                    listener.line(new OutputLine(Instant.now(), OutputLine.Stream.STDERR, line));
                  }
                }
              } catch (IOException e) {
                listener.line(
                    new OutputLine(Instant.now(), OutputLine.Stream.STDERR,
                        "kiln: lost the DJL worker's output: " + e.getMessage()));
              }
            },
            "djl-worker-" + request.nodeName() + (protocol ? "-out" : "-err"));
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void handle(
      String line,
      ExecutionListener listener,
      AtomicReference<String> device,
      AtomicReference<JsonNode> result) {
    JsonNode msg = null;
    if (line.startsWith("{")) {
      try {
        msg = WorkerProtocol.JSON.readTree(line);
      } catch (IOException e) {
        msg = null;
      }
    }
    if (msg == null || !msg.has(WorkerProtocol.TAG)) {
      listener.line(new OutputLine(Instant.now(), OutputLine.Stream.STDOUT, line));
      return;
    }
    switch (msg.get(WorkerProtocol.TAG).asText()) {
      case "log" ->
          listener.line(
              new OutputLine(Instant.now(), OutputLine.Stream.STDOUT, msg.path("line").asText()));
      case "metrics" -> {
        JsonNode entry = msg.path("entry");
        if (entry instanceof ObjectNode o) {
          listener.line(new OutputLine(Instant.now(), OutputLine.Stream.STDOUT, o.toString()));
          listener.metadata(o);
        }
      }
      case "device" -> {
        device.set(msg.path("device").asText("cpu"));
        listener.device(device.get());
      }
      case "result" -> result.set(msg);
      default -> listener.line(new OutputLine(Instant.now(), OutputLine.Stream.STDOUT, line));
    }
  }
}
