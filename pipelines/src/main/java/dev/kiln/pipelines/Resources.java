package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a step needs to run: its executor and the machine resources it asks for. {@code cpus} and
 * {@code memoryMb} follow valohai.yaml's {@code resources.cpu}/{@code resources.memory} ({@code
 * min}/{@code max}); {@code gpus} is the number of GPU slots the scheduler must hold for it.
 */
public record Resources(
    ExecutorKind executor,
    Optional<Double> cpuMin,
    Optional<Double> cpuMax,
    Optional<Long> memoryMinMb,
    Optional<Long> memoryMaxMb,
    int gpus,
    Map<String, Object> devices) {

  public static final Resources DEFAULT =
      new Resources(
          ExecutorKind.PROCESS,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          0,
          Map.of());

  public Resources {
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(cpuMin, "cpuMin");
    Objects.requireNonNull(cpuMax, "cpuMax");
    Objects.requireNonNull(memoryMinMb, "memoryMinMb");
    Objects.requireNonNull(memoryMaxMb, "memoryMaxMb");
    checkArgument(gpus >= 0, "gpus must be >= 0, was %s", gpus);
    devices = Extensions.copyOf(devices);
  }

  public Resources withExecutor(ExecutorKind kind) {
    return new Resources(kind, cpuMin, cpuMax, memoryMinMb, memoryMaxMb, gpus, devices);
  }

  public Resources withGpus(int count) {
    return new Resources(executor, cpuMin, cpuMax, memoryMinMb, memoryMaxMb, count, devices);
  }

  public Resources withCpu(Double min, Double max) {
    return new Resources(
        executor,
        Optional.ofNullable(min),
        Optional.ofNullable(max),
        memoryMinMb,
        memoryMaxMb,
        gpus,
        devices);
  }

  public Resources withMemoryMb(Long min, Long max) {
    return new Resources(
        executor,
        cpuMin,
        cpuMax,
        Optional.ofNullable(min),
        Optional.ofNullable(max),
        gpus,
        devices);
  }

  public Resources withDevices(Map<String, Object> newDevices) {
    return new Resources(executor, cpuMin, cpuMax, memoryMinMb, memoryMaxMb, gpus, newDevices);
  }
}
