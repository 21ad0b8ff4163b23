package dev.kiln.bench.tune;

import dev.kiln.runner.tuning.search.Dimension;
import java.util.ArrayList;
import java.util.List;

/**
 * The test functions of {@code kiln bench tune}, all minimised over boxes (linear scales). The
 * noisy Branin adds Gaussian noise to what the sampler sees; its regret is measured on the
 * noiseless value of the point the sampler would pick (its best observed trial).
 */
enum Problem {
  /** Branin-Hoo on [-5, 10] x [0, 15]; three global minima, 0.397887 at (-pi, 12.275), ... */
  BRANIN("branin", 0.39788735772973816, 0.0),
  /** Hartmann-6 on [0, 1]^6; global minimum -3.32237 near (0.20169, 0.150011, ...). */
  HARTMANN6("hartmann6", -3.3223680114155147, 0.0),
  /** Branin plus Gaussian noise of sd 1 on each observed value. */
  NOISY_BRANIN("noisy-branin", 0.39788735772973816, 1.0);

  private static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
  private static final double[][] A = {
    {10, 3, 17, 3.5, 1.7, 8},
    {0.05, 10, 17, 0.1, 8, 14},
    {3, 3.5, 1.7, 10, 17, 8},
    {17, 8, 0.05, 10, 0.1, 14},
  };
  private static final double[][] P = {
    {1312, 1696, 5569, 124, 8283, 5886},
    {2329, 4135, 8307, 3736, 1004, 9991},
    {2348, 1451, 3522, 2883, 3047, 6650},
    {4047, 8828, 8732, 5743, 1091, 381},
  };

  private final String cliName;
  private final double globalMin;
  private final double noiseSd;

  Problem(String cliName, double globalMin, double noiseSd) {
    this.cliName = cliName;
    this.globalMin = globalMin;
    this.noiseSd = noiseSd;
  }

  /** The name on the command line, in the table and in optuna_tune.py. */
  String cliName() {
    return cliName;
  }

  double globalMin() {
    return globalMin;
  }

  double noiseSd() {
    return noiseSd;
  }

  /** The searched box, in the order of the coordinates {@link #value} takes. */
  List<Dimension> space() {
    if (this == HARTMANN6) {
      List<Dimension> s = new ArrayList<>();
      for (int j = 1; j <= 6; j++) {
        s.add(Dimension.ofDouble("x" + j, 0, 1, Dimension.Scale.LINEAR));
      }
      return List.copyOf(s);
    }
    return List.of(
        Dimension.ofDouble("x1", -5, 10, Dimension.Scale.LINEAR),
        Dimension.ofDouble("x2", 0, 15, Dimension.Scale.LINEAR));
  }

  /** The noiseless value at x. */
  double value(double[] x) {
    if (x.length != space().size()) {
      throw new IllegalArgumentException(
          cliName + " takes " + space().size() + " coordinates, got " + x.length);
    }
    return this == HARTMANN6 ? hartmann6(x) : branin(x[0], x[1]);
  }

  /** What a sampler sees at trial {@code trial} (1-based) of seed {@code seed}. */
  double observed(double[] x, long seed, int trial) {
    double v = value(x);
    return noiseSd == 0 ? v : v + noiseSd * Noise.gaussian(seed, trial);
  }

  static Problem byCliName(String name) {
    for (Problem p : values()) {
      if (p.cliName.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown problem \"" + name + "\" (known: branin, hartmann6, noisy-branin)");
  }

  static double branin(double x1, double x2) {
    double b = 5.1 / (4 * Math.PI * Math.PI);
    double c = 5 / Math.PI;
    double t = 1 / (8 * Math.PI);
    double q = x2 - b * x1 * x1 + c * x1 - 6;
    return q * q + 10 * (1 - t) * Math.cos(x1) + 10;
  }

  static double hartmann6(double[] x) {
    double total = 0;
    for (int i = 0; i < 4; i++) {
      double inner = 0;
      for (int j = 0; j < 6; j++) {
        double d = x[j] - P[i][j] * 1e-4;
        inner += A[i][j] * d * d;
      }
      total += ALPHA[i] * Math.exp(-inner);
    }
    return -total;
  }
}
