package dev.kiln.pipelines.tuning;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A tuning job: the metric to optimise and which way ({@code hyperparameterMetricTag}, {@code
 * goal}), the parameters searched, the algorithm, and the budget: {@code maxTrials} in all, {@code
 * maxParallelTrials} at a time, {@code maxFailedTrials} failures tolerated (0: AI Platform's
 * default, which Kiln reads as "as many as maxTrials"), early stopping, and the job whose trials
 * feed this one ({@code resumePreviousJobId}). {@code metricValue} says which of a trial's values of
 * the metric counts (its last, by default). {@code fixedParameters} are set on every trial and not
 * searched (Valohai's {@code style: single}); {@code manualTrials} are the exact combinations
 * MANUAL_SEARCH runs, one trial each. Both hold values as text, read with the step's parameter
 * types like {@code --param} values.
 *
 * <p>Four components come from Valohai's task blueprints: {@code stopCondition}, an expression over
 * a trial's metadata (Valohai's {@code stop-condition}, e.g. {@code accuracy > 0.95}) that ends
 * the job once a trial meets it; {@code targetValue}, a value of {@code metric} that ends the job
 * once a trial reaches it in the {@code goal}'s direction ({@code optimization-target-value});
 * {@code onTrialError}, what a failed trial does to the job ({@code on-child-error}); and {@code
 * reuseTrials}, whether a trial whose parameters and inputs match an execution of an earlier run
 * of the same task is taken from it instead of run again ({@code reuse-children}).
 */
public record TuningSpec(
    String metric,
    Goal goal,
    List<SearchParameter> parameters,
    Algorithm algorithm,
    int maxTrials,
    int maxParallelTrials,
    int maxFailedTrials,
    boolean earlyStopping,
    Optional<String> resumePreviousJobId,
    MetricValue metricValue,
    Map<String, String> fixedParameters,
    List<Map<String, String>> manualTrials,
    Optional<String> stopCondition,
    Optional<Double> targetValue,
    OnTrialError onTrialError,
    boolean reuseTrials) {
  /** Without Valohai's stop condition, target value, on-child-error and reuse (AI Platform's job). */
  public TuningSpec(
      String metric,
      Goal goal,
      List<SearchParameter> parameters,
      Algorithm algorithm,
      int maxTrials,
      int maxParallelTrials,
      int maxFailedTrials,
      boolean earlyStopping,
      Optional<String> resumePreviousJobId,
      MetricValue metricValue,
      Map<String, String> fixedParameters,
      List<Map<String, String>> manualTrials) {
    this(
        metric, goal, parameters, algorithm, maxTrials, maxParallelTrials, maxFailedTrials,
        earlyStopping, resumePreviousJobId, metricValue, fixedParameters, manualTrials,
        Optional.empty(), Optional.empty(), OnTrialError.FAILURE_BUDGET, false);
  }

  /** With the metric's last value counting, as AI Platform reads it. */
  public TuningSpec(
      String metric,
      Goal goal,
      List<SearchParameter> parameters,
      Algorithm algorithm,
      int maxTrials,
      int maxParallelTrials,
      int maxFailedTrials,
      boolean earlyStopping,
      Optional<String> resumePreviousJobId) {
    this(
        metric, goal, parameters, algorithm, maxTrials, maxParallelTrials, maxFailedTrials,
        earlyStopping, resumePreviousJobId, MetricValue.LAST, Map.of(), List.of());
  }

  public TuningSpec {
    Objects.requireNonNull(metricValue, "metricValue");
    Objects.requireNonNull(stopCondition, "stopCondition");
    Objects.requireNonNull(targetValue, "targetValue");
    Objects.requireNonNull(onTrialError, "onTrialError");
    if (stopCondition.isPresent() && stopCondition.get().isBlank()) {
      throw new IllegalArgumentException("a stop condition must not be blank");
    }
    if (targetValue.isPresent() && !Double.isFinite(targetValue.get())) {
      throw new IllegalArgumentException("targetValue must be finite; got " + targetValue.get());
    }
    fixedParameters = Map.copyOf(fixedParameters);
    manualTrials = manualTrials.stream().map(Map::copyOf).toList();
    if (algorithm == Algorithm.MANUAL_SEARCH && manualTrials.isEmpty()) {
      throw new IllegalArgumentException("MANUAL_SEARCH needs at least one manual trial");
    }
    if (metric == null || metric.isBlank()) {
      throw new IllegalArgumentException("a tuning job needs hyperparameterMetricTag");
    }
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(resumePreviousJobId, "resumePreviousJobId");
    parameters = List.copyOf(parameters);
    if (parameters.isEmpty() && algorithm != Algorithm.MANUAL_SEARCH) {
      throw new IllegalArgumentException("a tuning job needs at least one parameter in params");
    }
    Set<String> names = new HashSet<>();
    for (SearchParameter p : parameters) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("parameter \"" + p.name() + "\" is searched twice");
      }
    }
    if (maxTrials < 1) {
      throw new IllegalArgumentException("maxTrials must be at least 1; got " + maxTrials);
    }
    if (maxParallelTrials < 1 || maxParallelTrials > maxTrials) {
      throw new IllegalArgumentException(
          "maxParallelTrials must be between 1 and maxTrials (" + maxTrials + "); got "
              + maxParallelTrials);
    }
    if (maxFailedTrials < 0) {
      throw new IllegalArgumentException(
          "maxFailedTrials must not be negative; got " + maxFailedTrials);
    }
    if (algorithm == Algorithm.GRID_SEARCH) {
      for (SearchParameter p : parameters) {
        if (p instanceof SearchParameter.DoubleRange) {
          throw new IllegalArgumentException(
              "parameter \"" + p.name() + "\" is DOUBLE; GRID_SEARCH needs INTEGER, CATEGORICAL"
                  + " or DISCRETE parameters");
        }
      }
    }
  }

  /** The number of points of the grid (for GRID_SEARCH), saturating at Long.MAX_VALUE. */
  public long gridSize() {
    long n = 1;
    for (SearchParameter p : parameters) {
      long k;
      if (p instanceof SearchParameter.IntegerRange r) {
        k = r.size();
      } else if (p instanceof SearchParameter.Categorical c) {
        k = c.values().size();
      } else if (p instanceof SearchParameter.Discrete d) {
        k = d.values().size();
      } else {
        k = Long.MAX_VALUE;
      }
      n = k != 0 && n > Long.MAX_VALUE / k ? Long.MAX_VALUE : n * k;
    }
    return n;
  }

  public TuningSpec withMetricValue(MetricValue v) {
    return new TuningSpec(
        metric, goal, parameters, algorithm, maxTrials, maxParallelTrials, maxFailedTrials,
        earlyStopping, resumePreviousJobId, v, fixedParameters, manualTrials, stopCondition,
        targetValue, onTrialError, reuseTrials);
  }

  public TuningSpec withResumePreviousJobId(Optional<String> id) {
    return new TuningSpec(
        metric, goal, parameters, algorithm, maxTrials, maxParallelTrials, maxFailedTrials,
        earlyStopping, id, metricValue, fixedParameters, manualTrials, stopCondition,
        targetValue, onTrialError, reuseTrials);
  }

  /** How many failed trials end the job: maxFailedTrials, or maxTrials when it is 0. */
  public int failureBudget() {
    return maxFailedTrials == 0 ? maxTrials : maxFailedTrials;
  }
}
