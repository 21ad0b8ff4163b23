package dev.kiln.runner.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.runner.exec.ExecutionDirectory;
import dev.kiln.runner.executor.ExecutionListener;
import dev.kiln.runner.executor.ExecutionRequest;
import dev.kiln.runner.executor.ExecutionResult;
import dev.kiln.runner.process.OutputLine;
import dev.kiln.steps.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlWorkerExecutorTest {
  @TempDir Path dir;

  static final String CLASSPATH =
      System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

  final List<OutputLine> lines = new CopyOnWriteArrayList<>();
  final List<ObjectNode> metadata = new CopyOnWriteArrayList<>();
  final List<String> devices = new CopyOnWriteArrayList<>();
  final ExecutionListener listener =
      new ExecutionListener() {
        @Override
        public void line(OutputLine line) {
          lines.add(line);
        }

        @Override
        public void metadata(ObjectNode entry) {
          metadata.add(entry);
        }

        @Override
        public void device(String device) {
          devices.add(device);
        }
      };

  private DjlWorkerExecutor executor() {
    return new DjlWorkerExecutor(CLASSPATH, List.of("-Xmx512m"), () -> Map.of("djl.device", "cpu"));
  }

  private ExecutionRequest request(String className, Map<String, ParamValue> params)
      throws Exception {
    ExecutionDirectory d = ExecutionDirectory.create(dir.resolve("exec"));
    Step step = Step.builder("s", new StepRun.JavaFunction(className)).build();
    return new ExecutionRequest("run1", "exec1", "node", step, params, d, dir);
  }

  @Test
  void runsTheStepInAWorkerAndStreamsItsReports() throws Exception {
    ExecutionRequest r =
        request(WorkerSteps.Echo.class.getName(),
            Map.of("message", ParamValue.of("world"), "count", ParamValue.of(3)));
    Files.createDirectories(r.directory().inputDir("data"));
    Files.writeString(r.directory().inputDir("data").resolve("a.txt"), "A");
    ExecutionResult result = executor().execute(r, listener);

    assertThat(result.succeeded()).as(result.detail() + " " + lines).isTrue();
    assertThat(result.device()).isEqualTo("cpu");
    assertThat(devices).containsExactly("cpu");
    assertThat(lines).filteredOn(l -> l.stream() == OutputLine.Stream.STDOUT)
        .extracting(OutputLine::text)
        .startsWith(NativeAllocator.choose(System.getenv()).description(), "hello world",
            "device: cpu");
    assertThat(lines).filteredOn(l -> l.stream() == OutputLine.Stream.STDERR)
        .extracting(OutputLine::text).contains("a library printing");
    assertThat(metadata).hasSize(1);
    assertThat(metadata.get(0).get("step").asLong()).isEqualTo(3);
    assertThat(metadata.get(0).get("loss").asDouble()).isEqualTo(0.25);
    assertThat(metadata.get(0).has("_time")).isTrue();
    assertThat(Files.readString(r.directory().outputsDir().resolve("echo.txt")))
        .isEqualTo("world x3 offline=true in=A omp="
            + System.getenv().getOrDefault("OMP_WAIT_POLICY", "PASSIVE")
            + " preload=" + expectedPreload());
  }

  /** The worker's LD_PRELOAD: the allocator Kiln chose on this machine, then what was set. */
  private static String expectedPreload() {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    NativeAllocator.apply(NativeAllocator.choose(env), env);
    return env.get("LD_PRELOAD");
  }

  @Test
  void aFailingStepIsAFailedResultWithItsMessage() throws Exception {
    ExecutionResult result =
        executor().execute(request(WorkerSteps.Failing.class.getName(), Map.of()), listener);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stopped()).isFalse();
    assertThat(result.detail()).isEqualTo("input \"data\" is empty");
    assertThat(lines).filteredOn(l -> l.stream() == OutputLine.Stream.STDERR)
        .extracting(OutputLine::text)
        .anyMatch(t -> t.contains("IllegalArgumentException"));

    ExecutionResult missing =
        executor().execute(request("dev.kiln.nowhere.Step", Map.of()), listener);
    assertThat(missing.detail())
        .isEqualTo("its class dev.kiln.nowhere.Step is not on the worker's class path");
  }

  @Test
  void interruptingTheCallerKillsTheWorker() throws Exception {
    ExecutionRequest r = request(WorkerSteps.Sleeping.class.getName(), Map.of());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(() -> {
          try {
            executor().execute(r, listener);
          } catch (Throwable t) {
            thrown.set(t);
          }
        });
    caller.start();
    Path pidFile = r.directory().outputsDir().resolve("pid");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long pid = Long.parseLong(Files.readString(pidFile));
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    caller.interrupt();
    caller.join(20_000);
    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class)
        .hasMessage("DJL worker of node killed");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void runsTheBuiltInWeightsStepWithDjlOffline() throws Exception {
    ExecutionDirectory d = ExecutionDirectory.create(dir.resolve("w"));
    ExecutionRequest r =
        new ExecutionRequest("run1", "exec2", "weights", Weights.STEP,
            Map.of("cfg", ParamValue.of("shapes-tiny"), "weights_num_classes", ParamValue.of(3)),
            d, dir);
    ExecutionResult result = executor().execute(r, listener);
    assertThat(result.succeeded()).as(result.detail() + " " + lines).isTrue();
    assertThat(result.device()).isEqualTo("cpu");
    assertThat(d.outputsDir().resolve("model/detector.params")).isRegularFile();
    assertThat(metadata).anyMatch(m -> m.path("num_classes").asInt() == 3);
    assertThatThrownBy(() -> WorkerProtocol.decode(WorkerProtocol.JSON.readTree("{}")))
        .hasMessage("not a parameter value: {}");
  }

  @Test
  void eachGpuGoesToOneExecutionAtATimeAndTheRestGetTheCpu() throws Exception {
    DjlWorkerExecutor gpus = new DjlWorkerExecutor(CLASSPATH, List.of("-Xmx256m"), Map::of, 1);
    ExecutionRequest first = request(WorkerSteps.DeviceHolder.class.getName(), Map.of());
    ExecutionDirectory d2 = ExecutionDirectory.create(dir.resolve("exec2"));
    ExecutionRequest second =
        new ExecutionRequest("run1", "exec2", "node2", first.step(), Map.of(), d2, dir);
    List<ExecutionResult> results = new CopyOnWriteArrayList<>();
    Thread a = new Thread(() -> {
      try {
        results.add(gpus.execute(first, listener));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    a.start();
    Path firstDevice = first.directory().outputsDir().resolve("device");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(firstDevice) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    // the only GPU is taken: the second execution runs on the CPU
    Files.writeString(d2.outputsDir().resolve("release"), "");
    ExecutionResult r2 = gpus.execute(second, listener);
    assertThat(r2.device()).isEqualTo("cpu");
    Files.writeString(first.directory().outputsDir().resolve("release"), "");
    a.join(60_000);
    assertThat(results).singleElement()
        .satisfies(r -> assertThat(r.device()).isEqualTo("cuda:0"));
    assertThat(Files.readString(firstDevice)).isEqualTo("cuda:0");
    // and once it is given back, the next execution gets it
    ExecutionDirectory d3 = ExecutionDirectory.create(dir.resolve("exec3"));
    Files.createDirectories(d3.outputsDir());
    Files.writeString(d3.outputsDir().resolve("release"), "");
    ExecutionResult r3 = gpus.execute(
        new ExecutionRequest("run1", "exec3", "node3", first.step(), Map.of(), d3, dir), listener);
    assertThat(r3.device()).isEqualTo("cuda:0");
  }

  @Test
  void gpuCountComesFromKilnGpusOrTheNvidiaDeviceFiles() throws Exception {
    Path dev = Files.createDirectories(dir.resolve("dev"));
    Files.createFile(dev.resolve("nvidia0"));
    Files.createFile(dev.resolve("nvidia1"));
    Files.createFile(dev.resolve("nvidiactl"));
    Files.createFile(dev.resolve("nvidia-uvm"));
    String cuda = "lib/api.jar:lib/pytorch-native-cu124-2.7.1-linux-x86_64.jar";
    String cpu = "lib/api.jar:lib/pytorch-native-cpu-2.7.1-linux-x86_64.jar";
    assertThat(DjlWorkerExecutor.gpuCount(Map.of(), dev, cuda)).isEqualTo(2);
    // a CPU-only native library cannot use the GPUs: no slots, so nothing records a GPU
    assertThat(DjlWorkerExecutor.gpuCount(Map.of(), dev, cpu)).isZero();
    assertThat(DjlWorkerExecutor.gpuCount(Map.of("KILN_GPUS", "0"), dev, cuda)).isZero();
    assertThat(DjlWorkerExecutor.gpuCount(Map.of("KILN_GPUS", "3"), dev, cpu)).isEqualTo(3);
    assertThat(DjlWorkerExecutor.gpuCount(Map.of(), dir.resolve("none"), cuda)).isZero();
    assertThatThrownBy(() -> DjlWorkerExecutor.gpuCount(Map.of("KILN_GPUS", "two"), dev, cpu))
        .hasMessage("KILN_GPUS must be a whole number of GPUs (0 or more), was \"two\"");
    GpuSlots slots = new GpuSlots(2);
    assertThat(slots.acquire()).hasValue(0);
    assertThat(slots.acquire()).hasValue(1);
    assertThat(slots.acquire()).isEmpty();
    slots.release(0);
    assertThat(slots.free()).isEqualTo(1);
    assertThat(slots.acquire()).hasValue(0);
    assertThatThrownBy(() -> new GpuSlots(1).release(0)).hasMessage("GPU 0 was not taken");
  }
}
