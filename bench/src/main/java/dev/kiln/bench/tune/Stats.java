package dev.kiln.bench.tune;

import java.util.Arrays;
import java.util.List;

/** The summary math of {@code kiln bench tune}. */
final class Stats {
  private Stats() {}

  /** The median: the middle value, or the mean of the two middle ones. */
  static double median(List<Double> values) {
    return quantile(values, 0.5);
  }

  /** The 80th percentile. */
  static double p80(List<Double> values) {
    return quantile(values, 0.8);
  }

  /**
   * The p-quantile with linear interpolation between order statistics (numpy's default): position
   * p * (n - 1) in the sorted values.
   */
  static double quantile(List<Double> values, double p) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to take a quantile of");
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1], got " + p);
    }
    double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    double pos = p * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  /**
   * a / b for regrets: 1 when both are 0 (both found the minimum), +infinity when only b is 0.
   */
  static double ratio(double a, double b) {
    if (b == 0) {
      return a == 0 ? 1.0 : Double.POSITIVE_INFINITY;
    }
    return a / b;
  }
}
