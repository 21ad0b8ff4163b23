package dev.kiln.runner.orchestrator;

import java.util.Optional;
import java.util.TreeSet;

/**
 * The slots executions run on: CPU slots, and GPUs by index. A GPU step takes a free GPU when there
 * is one and a CPU slot otherwise; the slot names the device the execution is given ({@code
 * cuda:N} for the GPU it holds, so two executions that overlap never get the same one). Used by the
 * scheduler's one thread only.
 */
final class ResourcePool {
  /** What one execution holds until it ends. */
  record Slot(boolean gpu, int gpuIndex) {
    String device() {
      return gpu ? "cuda:" + gpuIndex : "cpu";
    }
  }

  private int cpuFree;
  private final TreeSet<Integer> gpusFree = new TreeSet<>();

  ResourcePool(int cpuSlots, int gpuSlots) {
    this.cpuFree = cpuSlots;
    for (int i = 0; i < gpuSlots; i++) {
      gpusFree.add(i);
    }
  }

  /** A slot for a step that wants a GPU or not, if one is free. */
  Optional<Slot> take(boolean wantsGpu) {
    if (wantsGpu && !gpusFree.isEmpty()) {
      return Optional.of(new Slot(true, gpusFree.pollFirst()));
    }
    if (cpuFree > 0) {
      cpuFree--;
      return Optional.of(new Slot(false, -1));
    }
    return Optional.empty();
  }

  void release(Slot slot) {
    if (slot.gpu()) {
      if (!gpusFree.add(slot.gpuIndex())) {
        throw new IllegalStateException("GPU " + slot.gpuIndex() + " released twice");
      }
    } else {
      cpuFree++;
    }
  }
}
