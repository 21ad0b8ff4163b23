package dev.kiln.pipelines.tuning;

/** Which way the objective metric is better (AI Platform's {@code goal}). */
public enum Goal {
  MAXIMIZE,
  MINIMIZE;

  public boolean better(double a, double b) {
    return this == MAXIMIZE ? a > b : a < b;
  }

  /** The objective as a loss (smaller is better), so that search algorithms always minimise. */
  public double toLoss(double value) {
    return this == MAXIMIZE ? -value : value;
  }
}
