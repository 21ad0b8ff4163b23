package dev.kiln.runner.tuning.stopping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", 2017; Katib's {@code medianstop}):
 * a running trial is stopped at step s when its best value up to s is strictly worse than the
 * median of the running averages, up to s, of the finished trials that reached s. Nothing is
 * stopped before {@code minTrials} trials have finished (Katib: {@code min_trials_required},
 * default 3) nor before step {@code startStep} (Katib: {@code start_step}, default 4). With
 * {@link Compare#VALUE_AT_STEP} the finished trials' values at s are compared instead, as Optuna's
 * median pruner does: stricter on rising curves.
 */
public record MedianStoppingRule(int minTrials, long startStep, Compare compare)
    implements StoppingRule {
  /** What the finished trials contribute at step s. */
  public enum Compare {
    /** Their running average up to s (Vizier, Katib). */
    RUNNING_AVERAGE,
    /** Their value at s (Optuna's median pruner). */
    VALUE_AT_STEP
  }

  public MedianStoppingRule(int minTrials, long startStep) {
    this(minTrials, startStep, Compare.RUNNING_AVERAGE);
  }

  public MedianStoppingRule {
    Objects.requireNonNull(compare, "compare");
    if (minTrials < 1) {
      throw new IllegalArgumentException("minTrials must be at least 1; got " + minTrials);
    }
    if (startStep < 1) {
      throw new IllegalArgumentException("startStep must be at least 1; got " + startStep);
    }
  }

  /** Katib's defaults: 3 finished trials, from step 4. */
  public static MedianStoppingRule defaults() {
    return new MedianStoppingRule(3, 4);
  }

  @Override
  public Optional<String> shouldStop(Curve trial, List<Curve> others, boolean maximize) {
    long step = trial.lastStep();
    if (step < startStep) {
      return Optional.empty();
    }
    List<Double> averages = new ArrayList<>();
    for (Curve other : others) {
      if (other.finished() && other.trial() != trial.trial() && other.lastStep() >= step) {
        OptionalDouble avg =
            compare == Compare.RUNNING_AVERAGE
                ? other.runningAverageUpTo(step)
                : other.valueAt(step);
        avg.ifPresent(averages::add);
      }
    }
    if (averages.size() < minTrials) {
      return Optional.empty();
    }
    double median = median(averages);
    double best = trial.bestUpTo(step, maximize).orElseThrow();
    boolean worse = maximize ? best < median : best > median;
    if (!worse) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "median stopping rule: best value %.6g by step %d is worse than the median %.6g of"
                + " %d finished trials' %s at that step",
            best, step, median, averages.size(),
            compare == Compare.RUNNING_AVERAGE ? "running averages" : "values"));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
