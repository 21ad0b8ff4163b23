package dev.kiln.runner.tuning.stopping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Asynchronous successive halving (ASHA; Li et al., 2018): rungs at steps {@code minSteps *
 * reductionFactor^k}. When a trial reaches a rung, it goes on only if its value there is among the
 * best {@code 1/reductionFactor} of the values every trial reported at that rung so far (itself
 * included); while fewer than {@code reductionFactor} trials have reached the rung, the best one
 * is promoted, so the first trial always goes on, as in Optuna's successive halving pruner.
 */
public record SuccessiveHalvingRule(long minSteps, int reductionFactor) implements StoppingRule {
  public SuccessiveHalvingRule {
    if (minSteps < 1) {
      throw new IllegalArgumentException("minSteps must be at least 1; got " + minSteps);
    }
    if (reductionFactor < 2) {
      throw new IllegalArgumentException(
          "reductionFactor must be at least 2; got " + reductionFactor);
    }
  }

  /** Optuna's defaults for the reduction factor (4), from the first step. */
  public static SuccessiveHalvingRule defaults() {
    return new SuccessiveHalvingRule(1, 4);
  }

  /** The highest rung at or below {@code step}, or -1 below the first. */
  long rungAt(long step) {
    long rung = -1;
    long at = minSteps;
    while (at <= step) {
      rung++;
      if (at > Long.MAX_VALUE / reductionFactor) {
        break;
      }
      at *= reductionFactor;
    }
    return rung;
  }

  long stepOfRung(long rung) {
    long at = minSteps;
    for (long i = 0; i < rung; i++) {
      at *= reductionFactor;
    }
    return at;
  }

  @Override
  public Optional<String> shouldStop(Curve trial, List<Curve> others, boolean maximize) {
    long rung = rungAt(trial.lastStep());
    if (rung < 0) {
      return Optional.empty();
    }
    long at = stepOfRung(rung);
    double mine = trial.valueAt(at).orElseThrow();
    List<Double> competing = new ArrayList<>();
    competing.add(mine);
    for (Curve other : others) {
      if (other.trial() != trial.trial() && other.lastStep() >= at) {
        OptionalDouble v = other.valueAt(at);
        v.ifPresent(competing::add);
      }
    }
    // Best first.
    competing.sort(maximize ? Comparator.reverseOrder() : Comparator.naturalOrder());
    int promotable = Math.max(0, competing.size() / reductionFactor - 1);
    double threshold = competing.get(promotable);
    boolean promoted = maximize ? mine >= threshold : mine <= threshold;
    if (promoted) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "successive halving: value %.6g at rung %d (step %d) is not among the best 1/%d of"
                + " the %d trials that reached it (threshold %.6g)",
            mine, rung, at, reductionFactor, competing.size(), threshold));
  }
}
