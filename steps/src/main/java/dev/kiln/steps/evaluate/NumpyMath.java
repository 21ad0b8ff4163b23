package dev.kiln.steps.evaluate;

/**
 * The few numpy operations whose exact rounding shows in pycocotools' numbers: {@code np.linspace}
 * (the IoU and recall thresholds are compared with {@code ==} and {@code >=}) and {@code np.mean}
 * (pairwise summation), so that Kiln's numbers are not just close but the same.
 */
final class NumpyMath {
  /** numpy's {@code PW_BLOCKSIZE} for pairwise summation. */
  private static final int BLOCK = 128;

  private NumpyMath() {}

  /**
   * {@code np.linspace(start, stop, num, endpoint=True)}: {@code i * step + start} with {@code step
   * = (stop - start) / (num - 1)}, and the last element exactly {@code stop}.
   */
  static double[] linspace(double start, double stop, int num) {
    double[] y = new double[num];
    double step = (stop - start) / (num - 1);
    for (int i = 0; i < num; i++) {
      y[i] = i * step + start;
    }
    y[num - 1] = stop;
    return y;
  }

  /** {@code np.mean(a[0:n])} for {@code n > 0}: numpy's pairwise sum divided by n. */
  static double mean(double[] a, int n) {
    return pairwiseSum(a, 0, n) / n;
  }

  /** numpy's {@code pairwise_sum_DOUBLE}: 8 accumulators per block of 128, halves above that. */
  static double pairwiseSum(double[] a, int from, int n) {
    if (n < 8) {
      double res = 0.;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else if (n <= BLOCK) {
      double r0 = a[from];
      double r1 = a[from + 1];
      double r2 = a[from + 2];
      double r3 = a[from + 3];
      double r4 = a[from + 4];
      double r5 = a[from + 5];
      double r6 = a[from + 6];
      double r7 = a[from + 7];
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        r0 += a[from + i];
        r1 += a[from + i + 1];
        r2 += a[from + i + 2];
        r3 += a[from + i + 3];
        r4 += a[from + i + 4];
        r5 += a[from + i + 5];
        r6 += a[from + i + 6];
        r7 += a[from + i + 7];
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }
  }
}
