package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Tree-structured Parzen Estimator, after Optuna's TPESampler. The first {@code startupTrials}
 * finished trials are random ({@link RandomSampler} with the same seed). After that the finished
 * trials (succeeded, or stopped early with a value) are split by the goal into the best
 * {@code gamma(n) = min(ceil(0.1 n), 25)} and the rest; a Parzen estimator l(x) is fitted to the
 * good ones and g(x) to the others, {@code candidates} points are drawn from l, and the one with the
 * largest l(x)/g(x) is suggested. Multivariate (the default) fits joint kernels over all dimensions;
 * univariate fits and picks each dimension on its own.
 */
public final class TpeSampler implements Sampler {
  private final long seed;
  private final int startupTrials;
  private final int candidates;
  private final boolean multivariate;

  public TpeSampler(long seed) {
    this(seed, 10, 24, true);
  }

  public TpeSampler(long seed, int startupTrials, int candidates, boolean multivariate) {
    if (startupTrials < 0 || candidates < 1) {
      throw new IllegalArgumentException(
          "TPE needs startupTrials >= 0 and candidates >= 1, got "
              + startupTrials
              + " and "
              + candidates);
    }
    this.seed = seed;
    this.startupTrials = startupTrials;
    this.candidates = candidates;
    this.multivariate = multivariate;
  }

  /** Optuna's default_gamma: the number of trials counted as good among n. */
  static int gamma(int n) {
    return Math.min((int) Math.ceil(0.1 * n), 25);
  }

  @Override
  public Optional<Map<String, Object>> suggest(
      int trialNumber, List<Dimension> space, List<Trial> history, Goal goal) {
    Dimension.checkSpace(space);
    List<double[]> xs = new ArrayList<>();
    List<Trial> used = new ArrayList<>();
    List<Trial> ordered = new ArrayList<>(history);
    ordered.sort(Comparator.comparingInt(Trial::number));
    for (Trial t : ordered) {
      if (!t.finishedWithValue()) {
        continue;
      }
      double[] x = new double[space.size()];
      boolean inSpace = true;
      for (int d = 0; d < space.size() && inSpace; d++) {
        x[d] = space.get(d).toScaled(t.params().get(space.get(d).name()));
        inSpace = !Double.isNaN(x[d]);
      }
      if (inSpace) {
        xs.add(x);
        used.add(t);
      }
    }
    int n = used.size();
    if (n < startupTrials) {
      return new RandomSampler(seed).suggest(trialNumber, space, history, goal);
    }
    // Rank by loss (ties by trial number); the good set keeps trial order for the weights.
    List<Integer> rank = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rank.add(i);
    }
    rank.sort(
        Comparator.<Integer>comparingDouble(i -> goal.toLoss(used.get(i).value().getAsDouble()))
            .thenComparingInt(i -> used.get(i).number()));
    int nGood = gamma(n);
    boolean[] good = new boolean[n];
    for (int i = 0; i < nGood; i++) {
      good[rank.get(i)] = true;
    }
    List<double[]> below = new ArrayList<>();
    List<double[]> above = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      (good[i] ? below : above).add(xs.get(i));
    }
    SplittableRandom rng = Seeds.stream(seed, trialNumber, 1);
    double[] best;
    if (multivariate) {
      best = pick(space, below, above, rng, space.size(), false);
    } else {
      best = new double[space.size()];
      for (int d = 0; d < space.size(); d++) {
        best[d] = pick(List.of(space.get(d)), column(below, d), column(above, d), rng, 1, true)[0];
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int d = 0; d < space.size(); d++) {
      out.put(space.get(d).name(), space.get(d).fromScaled(best[d]));
    }
    return Optional.of(out);
  }

  private double[] pick(
      List<Dimension> dims,
      List<double[]> below,
      List<double[]> above,
      SplittableRandom rng,
      int spaceSize,
      boolean neighbour) {
    ParzenEstimator l =
        new ParzenEstimator(dims, below.toArray(new double[0][]), neighbour, spaceSize);
    ParzenEstimator g =
        new ParzenEstimator(dims, above.toArray(new double[0][]), neighbour, spaceSize);
    double[] best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < candidates; c++) {
      double[] x = l.sample(rng);
      double score = l.logPdf(x) - g.logPdf(x);
      if (best == null || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    return best;
  }

  private static List<double[]> column(List<double[]> xs, int d) {
    List<double[]> out = new ArrayList<>();
    for (double[] x : xs) {
      out.add(new double[] {x[d]});
    }
    return out;
  }
}
