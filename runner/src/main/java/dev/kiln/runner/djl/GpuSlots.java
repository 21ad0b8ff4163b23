package dev.kiln.runner.djl;

import java.util.OptionalInt;

/**
 * GPUs {@code 0..n-1} handed out one execution at a time: {@link #acquire()} takes the lowest
 * free one, {@link #release(int)} gives it back. Thread-safe.
 */
final class GpuSlots {
  private final boolean[] busy;

  GpuSlots(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("GPU count must be at least 0, was " + count);
    }
    this.busy = new boolean[count];
  }

  /** The lowest free GPU, now taken, or empty when all are in use (or there are none). */
  synchronized OptionalInt acquire() {
    for (int i = 0; i < busy.length; i++) {
      if (!busy[i]) {
        busy[i] = true;
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /** Gives GPU {@code id} back. */
  synchronized void release(int id) {
    if (id < 0 || id >= busy.length || !busy[id]) {
      throw new IllegalStateException("GPU " + id + " was not taken");
    }
    busy[id] = false;
  }

  /** How many GPUs are free now. */
  synchronized int free() {
    int n = 0;
    for (boolean b : busy) {
      n += b ? 0 : 1;
    }
    return n;
  }
}
