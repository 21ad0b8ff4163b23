package dev.kiln.bench.tune;

import java.util.List;

/**
 * One seed's run of one sampler on one problem: the points it tried, in trial order, what it saw
 * at each (noisy for the noisy problem) and the noiseless value there.
 */
record SeedRun(long seed, List<double[]> xs, double[] observed, double[] noiseless) {
  SeedRun {
    xs = List.copyOf(xs);
    observed = observed.clone();
    noiseless = noiseless.clone();
    if (xs.size() != observed.length || observed.length != noiseless.length) {
      throw new IllegalArgumentException(
          "seed " + seed + ": " + xs.size() + " points, " + observed.length + " observed values, "
              + noiseless.length + " noiseless values");
    }
  }

  int trials() {
    return observed.length;
  }

  /**
   * Regret after the first {@code n} trials: the noiseless value of the best observed trial among
   * them (the earliest on ties), less the problem's global minimum.
   */
  double regretAfter(int n, double globalMin) {
    if (n < 1 || n > observed.length) {
      throw new IllegalArgumentException(
          "seed " + seed + " ran " + observed.length + " trials, asked for the best of " + n);
    }
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (observed[i] < observed[best]) {
        best = i;
      }
    }
    return noiseless[best] - globalMin;
  }
}
