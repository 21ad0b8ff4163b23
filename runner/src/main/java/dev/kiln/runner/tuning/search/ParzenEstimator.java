package dev.kiln.runner.tuning.search;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A mixture of one kernel per observation plus a prior kernel over some dimensions, after Optuna's
 * {@code _ParzenEstimator}: numeric dimensions get Gaussians truncated to the scaled range,
 * categorical ones smoothed counts; INTEGER and DISCRETE values are scored by the mass of their
 * bin rather than a density. Kernel k is the product of the dimensions' k-th kernels, so
 * sampling and scoring are joint (multivariate) when the estimator spans several dimensions.
 */
final class ParzenEstimator {
  private static final double PRIOR_WEIGHT = 1.0;
  private static final double SIGMA0_MAGNITUDE = 0.2;
  private static final double EPS = 1e-12;
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

  private final List<Dimension> dims;
  private final double[] logWeights; // n + 1, prior last
  private final double[] cumWeights;
  private final double[][] mus; // per numeric dim, n + 1
  private final double[][] sigmas;
  private final double[][] logNorm; // log of the truncated mass of each kernel
  private final double[][][] logProbs; // per categorical dim: kernel -> choice

  /**
   * @param obs observations, oldest first, obs[i][d] in dims.get(d)'s scaled space
   * @param neighbourBandwidth bandwidths from neighbour distances (univariate) or Scott-like rule
   * @param spaceSize number of dimensions in the whole space, for the multivariate bandwidth
   */
  ParzenEstimator(List<Dimension> dims, double[][] obs, boolean neighbourBandwidth, int spaceSize) {
    this.dims = dims;
    int n = obs.length;
    int k = n + 1;
    double[] w = Arrays.copyOf(defaultWeights(n), k);
    w[n] = PRIOR_WEIGHT;
    double sum = Arrays.stream(w).sum();
    logWeights = new double[k];
    cumWeights = new double[k];
    double acc = 0;
    for (int i = 0; i < k; i++) {
      logWeights[i] = Math.log(w[i] / sum);
      acc += w[i] / sum;
      cumWeights[i] = acc;
    }
    mus = new double[dims.size()][];
    sigmas = new double[dims.size()][];
    logNorm = new double[dims.size()][];
    logProbs = new double[dims.size()][][];
    for (int d = 0; d < dims.size(); d++) {
      Dimension dim = dims.get(d);
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = obs[i][d];
      }
      if (dim.isCategorical()) {
        logProbs[d] = categorical(x, dim.choices());
      } else {
        numeric(d, x, dim.low(), dim.high(), neighbourBandwidth, spaceSize);
      }
    }
  }

  /** Optuna's default_weights: flat for the last 25 observations, a ramp for older ones. */
  static double[] defaultWeights(int n) {
    double[] w = new double[n];
    if (n < 25) {
      Arrays.fill(w, 1.0);
      return w;
    }
    int ramp = n - 25;
    for (int i = 0; i < ramp; i++) {
      w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
    }
    Arrays.fill(w, ramp, n, 1.0);
    return w;
  }

  private double[][] categorical(double[] x, int choices) {
    int n = x.length;
    double[][] lp = new double[n + 1][choices];
    for (int i = 0; i <= n; i++) {
      double[] p = lp[i];
      Arrays.fill(p, PRIOR_WEIGHT / (n + 1));
      if (i < n) {
        p[(int) x[i]] += 1;
      }
      double s = Arrays.stream(p).sum();
      for (int c = 0; c < choices; c++) {
        p[c] = Math.log(p[c] / s);
      }
    }
    return lp;
  }

  private void numeric(
      int d, double[] x, double low, double high, boolean neighbour, int spaceSize) {
    int n = x.length;
    double range = high - low;
    double prior = 0.5 * (low + high);
    double[] s = new double[n];
    if (!neighbour) {
      double sigma = SIGMA0_MAGNITUDE * Math.pow(Math.max(n, 1), -1.0 / (spaceSize + 4)) * range;
      Arrays.fill(s, sigma);
    } else if (n > 0) {
      // Neighbour distances among the observations and the prior's mean, the ends as fences.
      double[] withPrior = Arrays.copyOf(x, n + 1);
      withPrior[n] = prior;
      Integer[] order = new Integer[n + 1];
      for (int i = 0; i <= n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (p, q) -> Double.compare(withPrior[p], withPrior[q]));
      double[] e = new double[n + 3];
      e[0] = low;
      e[n + 2] = high;
      for (int i = 0; i <= n; i++) {
        e[i + 1] = withPrior[order[i]];
      }
      double[] sorted = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        sorted[i] = Math.max(e[i + 1] - e[i], e[i + 2] - e[i + 1]);
      }
      if (n + 3 >= 4) { // not consider_endpoints
        sorted[0] = e[2] - e[1];
        sorted[n] = e[n + 1] - e[n];
      }
      double[] byObs = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        byObs[order[i]] = sorted[i];
      }
      System.arraycopy(byObs, 0, s, 0, n);
    }
    // Optuna's magic clip: no kernel narrower than range / min(100, kernels + 1).
    double minSigma = range / Math.min(100.0, 1.0 + (n + 1));
    double[] mu = Arrays.copyOf(x, n + 1);
    double[] sg = new double[n + 1];
    for (int i = 0; i < n; i++) {
      sg[i] = Math.max(minSigma, Math.min(range, s[i]));
    }
    mu[n] = prior;
    sg[n] = range;
    double[] ln = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      double mass = mass((low - mu[i]) / sg[i], (high - mu[i]) / sg[i]);
      ln[i] = Math.log(Math.max(mass, EPS));
    }
    mus[d] = mu;
    sigmas[d] = sg;
    logNorm[d] = ln;
  }

  /** Draws one point: a kernel by weight, then each dimension from that kernel. */
  double[] sample(SplittableRandom rng) {
    double r = rng.nextDouble();
    int k = 0;
    while (k < cumWeights.length - 1 && cumWeights[k] <= r) {
      k++;
    }
    double[] out = new double[dims.size()];
    for (int d = 0; d < dims.size(); d++) {
      if (dims.get(d).isCategorical()) {
        double[] lp = logProbs[d][k];
        double u = rng.nextDouble();
        int c = 0;
        double a = Math.exp(lp[0]);
        while (c < lp.length - 1 && a <= u) {
          c++;
          a += Math.exp(lp[c]);
        }
        out[d] = c;
      } else {
        out[d] = truncatedNormal(rng, mus[d][k], sigmas[d][k], dims.get(d).low(), dims.get(d).high());
      }
    }
    return out;
  }

  /** log of the mixture density at x. */
  double logPdf(double[] x) {
    int kernels = logWeights.length;
    double[] terms = new double[kernels];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < kernels; k++) {
      double t = logWeights[k];
      for (int d = 0; d < dims.size(); d++) {
        if (dims.get(d).isCategorical()) {
          t += logProbs[d][k][(int) x[d]];
        } else {
          double[] bin = dims.get(d).bin(x[d]);
          if (bin == null) {
            double z = (x[d] - mus[d][k]) / sigmas[d][k];
            t += -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigmas[d][k]) - logNorm[d][k];
          } else {
            double mass =
                mass((bin[0] - mus[d][k]) / sigmas[d][k], (bin[1] - mus[d][k]) / sigmas[d][k]);
            t += Math.log(Math.max(mass, EPS)) - logNorm[d][k];
          }
        }
      }
      terms[k] = t;
      max = Math.max(max, t);
    }
    double s = 0;
    for (double t : terms) {
      s += Math.exp(t - max);
    }
    return max + Math.log(s);
  }

  private static double truncatedNormal(
      SplittableRandom rng, double mu, double sigma, double low, double high) {
    for (int i = 0; i < 1000; i++) {
      double v = mu + sigma * gaussian(rng);
      if (v >= low && v <= high) {
        return v;
      }
    }
    return Math.max(low, Math.min(high, mu));
  }

  private static double gaussian(SplittableRandom rng) {
    // Our own Box-Muller, so suggestions do not change with the JDK's Gaussian algorithm.
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** P(z0 < Z < z1) for a standard normal Z, computed in the nearer tail to keep precision. */
  static double mass(double z0, double z1) {
    return z0 > 0 ? phi(-z0) - phi(-z1) : phi(z1) - phi(z0);
  }

  /** Standard normal CDF. */
  static double phi(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /** Complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7). */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r =
        t
            * Math.exp(
                -z * z
                    - 1.26551223
                    + t
                        * (1.00002368
                            + t
                                * (0.37409196
                                    + t
                                        * (0.09678418
                                            + t
                                                * (-0.18628806
                                                    + t
                                                        * (0.27886807
                                                            + t
                                                                * (-1.13520398
                                                                    + t
                                                                        * (1.48851973
                                                                            + t
                                                                                * (-0.82215223
                                                                                    + t
                                                                                        * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
