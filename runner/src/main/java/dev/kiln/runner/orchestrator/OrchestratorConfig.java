package dev.kiln.runner.orchestrator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The machine the orchestrator runs on.
 *
 * @param kilnHome where execution directories live ({@code KILN_HOME/executions/ID})
 * @param workingDir the code steps run from, and what relative input paths are relative to
 * @param cpuSlots how many executions may run at once
 * @param gpuSlots how many GPUs there are; each GPU step holds one
 */
public record OrchestratorConfig(Path kilnHome, Path workingDir, int cpuSlots, int gpuSlots) {
  public OrchestratorConfig {
    Objects.requireNonNull(kilnHome);
    Objects.requireNonNull(workingDir);
    if (cpuSlots < 1) {
      throw new IllegalArgumentException("cpu slots must be at least 1, was " + cpuSlots);
    }
    if (gpuSlots < 0) {
      throw new IllegalArgumentException("gpu slots must be at least 0, was " + gpuSlots);
    }
  }

  public static OrchestratorConfig of(Path kilnHome, Path workingDir) {
    return new OrchestratorConfig(
        kilnHome, workingDir, Math.max(1, Runtime.getRuntime().availableProcessors()), 0);
  }

  public OrchestratorConfig withSlots(int cpu, int gpu) {
    return new OrchestratorConfig(kilnHome, workingDir, cpu, gpu);
  }
}
