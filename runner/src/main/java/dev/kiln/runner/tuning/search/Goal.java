package dev.kiln.runner.tuning.search;

/** Which way the objective should go, as AI Platform's {@code goal}. */
public enum Goal {
  MAXIMIZE,
  MINIMIZE;

  /** Maps an objective to a value where smaller is better, so samplers can always minimize. */
  double toLoss(double value) {
    return this == MAXIMIZE ? -value : value;
  }
}
