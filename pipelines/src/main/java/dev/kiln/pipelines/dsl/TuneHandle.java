package dev.kiln.pipelines.dsl;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.ModelPath;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.pipelines.validation.Validator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The search space and budget of a tuned node, from {@link PipelineBuilder#tune} or {@link
 * NodeHandle#tune()}. A tuned node is a task node: each trial is one execution of the node's step
 * with the searched parameters set, and edges out of it carry the best trial's outputs.
 *
 * <p>Nothing is checked while the search space is written; {@link PipelineBuilder#build()} checks
 * it against the node's step with the rest of the pipeline and reports every problem at once:
 * parameters the step does not have (with did-you-mean), a range of the wrong type for its
 * parameter, empty or inverted ranges, log scales that reach 0, values outside the step's bounds
 * or choices, a missing metric or goal, a budget that does not add up.
 *
 * <p>Required: at least one searched parameter (or, for a manual search, one {@link #trial}),
 * {@link #metric} and a goal ({@link #maximize()} or {@link #minimize()}, or {@link
 * #maximize(String)} for both). Optional: the algorithm (Bayesian TPE unless told; manual when
 * trials are given), {@link #maxTrials} (10; for a grid its number of points, for a manual search
 * its number of trials), {@link
 * #maxParallelTrials} (1), {@link #maxFailedTrials} (0: as many as maxTrials), {@link
 * #earlyStopping()}, {@link #metricValue}.
 */
public final class TuneHandle {
  /** Trials when {@link #maxTrials} is not called, but for a grid or manual trials. */
  public static final int DEFAULT_MAX_TRIALS = 10;

  private final NodeHandle node;
  private final List<Declared> parameters = new ArrayList<>();
  private final List<Fixed> fixed = new ArrayList<>();
  private Optional<String> metric = Optional.empty();
  private Optional<Goal> goal = Optional.empty();
  private Optional<Algorithm> algorithm = Optional.empty();
  private final List<Map<String, ParamValue>> trials = new ArrayList<>();
  private Optional<Integer> maxTrials = Optional.empty();
  private int maxParallelTrials = 1;
  private int maxFailedTrials;
  private boolean earlyStopping;
  private MetricValue metricValue = MetricValue.LAST;

  TuneHandle(NodeHandle node) {
    this.node = node;
  }

  /** The node being tuned, to go on wiring it. */
  public NodeHandle node() {
    return node;
  }

  /** Searches a FLOAT parameter evenly between {@code min} and {@code max}. */
  public TuneHandle uniform(String parameter, double min, double max) {
    return range(Kind.DOUBLE, parameter, min, max, Scale.LINEAR, "uniform");
  }

  /**
   * Searches a FLOAT parameter evenly in the logarithm, as learning rates are: as many trials
   * between 0.001 and 0.01 as between 0.01 and 0.1. Needs {@code min > 0}.
   */
  public TuneHandle logUniform(String parameter, double min, double max) {
    return range(Kind.DOUBLE, parameter, min, max, Scale.LOG, "logUniform");
  }

  /** Searches a FLOAT parameter densely near {@code max} (momentum, decay rates). */
  public TuneHandle reverseLogUniform(String parameter, double min, double max) {
    return range(Kind.DOUBLE, parameter, min, max, Scale.REVERSE_LOG, "reverseLogUniform");
  }

  /** Searches an INTEGER (or FLOAT) parameter over the whole numbers from min to max, both in. */
  public TuneHandle integers(String parameter, long min, long max) {
    return integers(parameter, min, max, Scale.LINEAR);
  }

  /** As {@link #integers(String, long, long)}, on a log or reverse-log scale. */
  public TuneHandle integers(String parameter, long min, long max, Scale scale) {
    Objects.requireNonNull(scale, "scale");
    return range(Kind.INTEGER, parameter, min, max, scale, "integers");
  }

  /** Searches a STRING parameter (or a FLAG, with "true" and "false") over these values. */
  public TuneHandle categorical(String parameter, String... values) {
    checkName(parameter);
    String call = call("categorical", parameter, Arrays.stream(values).map(v -> "\"" + v + "\""));
    parameters.add(new Declared(Kind.CATEGORICAL, parameter, 0, 0, Scale.LINEAR, List.of(values),
        List.of(), call));
    return this;
  }

  /** Searches a numeric parameter over these values, given in increasing order. */
  public TuneHandle discrete(String parameter, double... values) {
    checkName(parameter);
    List<Double> list = Arrays.stream(values).boxed().toList();
    String call = call("discrete", parameter, list.stream().map(TuneHandle::num));
    parameters.add(
        new Declared(Kind.DISCRETE, parameter, 0, 0, Scale.LINEAR, List.of(), list, call));
    return this;
  }

  /** Sets a parameter to one value in every trial, without searching it. */
  public TuneHandle fixed(String parameter, ParamValue value) {
    checkName(parameter);
    Objects.requireNonNull(value, "value");
    fixed.add(new Fixed(parameter, value));
    return this;
  }

  public TuneHandle fixed(String parameter, long value) {
    return fixed(parameter, ParamValue.of(value));
  }

  public TuneHandle fixed(String parameter, double value) {
    return fixed(parameter, ParamValue.of(value));
  }

  public TuneHandle fixed(String parameter, String value) {
    return fixed(parameter, ParamValue.of(value));
  }

  public TuneHandle fixed(String parameter, boolean value) {
    return fixed(parameter, ParamValue.of(value));
  }

  /**
   * The objective: the metadata key each trial prints as JSON ({@code {"val_ap": 0.41}}), AI
   * Platform's {@code hyperparameterMetricTag}. Which way is better is {@link #maximize()} or
   * {@link #minimize()}.
   */
  public TuneHandle metric(String tag) {
    this.metric = Optional.ofNullable(tag);
    return this;
  }

  public TuneHandle maximize() {
    this.goal = Optional.of(Goal.MAXIMIZE);
    return this;
  }

  public TuneHandle minimize() {
    this.goal = Optional.of(Goal.MINIMIZE);
    return this;
  }

  /** {@code metric(tag).maximize()}. */
  public TuneHandle maximize(String tag) {
    return metric(tag).maximize();
  }

  /** {@code metric(tag).minimize()}. */
  public TuneHandle minimize(String tag) {
    return metric(tag).minimize();
  }

  /** Which of a trial's values of the metric counts: its last (the default) or its best. */
  public TuneHandle metricValue(MetricValue value) {
    this.metricValue = Objects.requireNonNull(value, "value");
    return this;
  }

  /** The search algorithm; Bayesian TPE unless told (manual search when trials are given). */
  public TuneHandle algorithm(Algorithm a) {
    this.algorithm = Optional.of(Objects.requireNonNull(a, "algorithm"));
    return this;
  }

  public TuneHandle bayesian() {
    return algorithm(Algorithm.BAYESIAN_TPE);
  }

  /** Every point of the grid of the INTEGER, CATEGORICAL and DISCRETE parameters. */
  public TuneHandle grid() {
    return algorithm(Algorithm.GRID_SEARCH);
  }

  public TuneHandle random() {
    return algorithm(Algorithm.RANDOM_SEARCH);
  }

  /** Runs the {@link #trial} combinations as written, one trial each, and searches nothing. */
  public TuneHandle manual() {
    return algorithm(Algorithm.MANUAL_SEARCH);
  }

  /**
   * One trial of a manual search: exactly these values ({@code Long}, {@code Integer}, {@code
   * Double}, {@code String} or {@code Boolean}), each checked against the step's parameter. Giving
   * trials makes the search manual unless another algorithm is named.
   */
  public TuneHandle trial(Map<String, ?> values) {
    Map<String, ParamValue> trial = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      checkName(k);
      trial.put(k, paramValue(k, v));
    });
    trials.add(trial);
    return this;
  }

  private static ParamValue paramValue(String name, Object v) {
    if (v instanceof ParamValue pv) {
      return pv;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short) {
      return ParamValue.of(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      return ParamValue.of(((Number) v).doubleValue());
    }
    if (v instanceof String str) {
      return ParamValue.of(str);
    }
    if (v instanceof Boolean b) {
      return ParamValue.of(b);
    }
    throw new IllegalArgumentException(
        "trial value of \"" + name + "\" must be a number, a string or a boolean; got " + v);
  }
  /**
   * The number of trials in all. Without it, a grid tries each of its points once and the other
   * algorithms run {@value #DEFAULT_MAX_TRIALS} trials.
   */
  public TuneHandle maxTrials(int n) {
    this.maxTrials = Optional.of(n);
    return this;
  }

  /** How many trials run at once (they share the machine's CPU and GPU slots). */
  public TuneHandle maxParallelTrials(int n) {
    this.maxParallelTrials = n;
    return this;
  }

  /** How many failed trials end the job; 0 (the default) means as many as maxTrials. */
  public TuneHandle maxFailedTrials(int n) {
    this.maxFailedTrials = n;
    return this;
  }

  /** Stops trials whose intermediate metric is behind the others' (the median rule). */
  public TuneHandle earlyStopping() {
    this.earlyStopping = true;
    return this;
  }

  /**
   * The tuning spec, or empty after adding to {@code problems} everything wrong with it for
   * {@code step}. Problems are located below {@code path} (the node's).
   */
  Optional<TuningSpec> check(Step step, ModelPath path, List<Problem> problems) {
    int before = problems.size();
    ModelPath tp = path.field("tuning");
    String nodeName = node.name();
    List<String> known = step.parameters().stream().map(ParameterSpec::name).toList();
    List<SearchParameter> searched = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      Declared d = parameters.get(i);
      ModelPath pp = tp.field("parameters").index(i);
      Integer earlier = seen.putIfAbsent(d.name(), i);
      if (earlier != null) {
        problems.add(
            Problem.error(
                    "tuning-duplicate-parameter",
                    pp,
                    d.call() + ": parameter \"" + d.name() + "\" is already searched (at"
                        + " parameters[" + earlier + "])")
                .withHint("search each parameter once"));
        continue;
      }
      Optional<ParameterSpec> spec = step.parameter(d.name());
      if (spec.isEmpty()) {
        problems.add(unknownParameter(pp, nodeName, d.name(), step, known));
        continue;
      }
      checkParameter(d, spec.get(), pp, problems).ifPresent(searched::add);
    }
    Map<String, String> fixedValues = new LinkedHashMap<>();
    for (int i = 0; i < fixed.size(); i++) {
      Fixed f = fixed.get(i);
      ModelPath fp = tp.field("fixed").index(i);
      String call = "fixed(\"" + f.name() + "\", " + quote(f.value()) + ")";
      Optional<ParameterSpec> spec = step.parameter(f.name());
      if (spec.isEmpty()) {
        problems.add(unknownParameter(fp, nodeName, f.name(), step, known));
        continue;
      }
      if (seen.containsKey(f.name())) {
        problems.add(
            Problem.error(
                    "tuning-fixed-and-searched",
                    fp,
                    call + ": parameter \"" + f.name() + "\" is also searched (at parameters["
                        + seen.get(f.name()) + "])")
                .withHint("either search it or fix it"));
        continue;
      }
      if (fixedValues.containsKey(f.name())) {
        problems.add(
            Problem.error(
                "tuning-duplicate-parameter",
                fp,
                call + ": parameter \"" + f.name() + "\" is already fixed"));
        continue;
      }
      List<String> wrong = Validator.checkValue(spec.get(), f.value());
      for (String m : wrong) {
        problems.add(Problem.error("tuning-bad-value", fp, call + ": " + m));
      }
      if (wrong.isEmpty()) {
        fixedValues.put(f.name(), f.value().render());
      }
    }
    Algorithm algo =
        algorithm.orElse(trials.isEmpty() ? Algorithm.BAYESIAN_TPE : Algorithm.MANUAL_SEARCH);
    List<Map<String, String>> manualTrials = checkTrials(step, tp, known, fixedValues, problems);
    if (parameters.isEmpty() && algo != Algorithm.MANUAL_SEARCH) {
      problems.add(
          Problem.error(
                  "tuning-no-parameters",
                  tp.field("parameters"),
                  "tuning of node \"" + nodeName + "\" searches no parameter")
              .withHint(
                  "add one with uniform, logUniform, reverseLogUniform, integers, categorical or"
                      + " discrete"));
    }
    if (metric.isEmpty() || metric.get().isBlank()) {
      problems.add(
          Problem.error(
                  "tuning-no-metric",
                  tp.field("metric"),
                  "tuning of node \"" + nodeName + "\" has no metric")
              .withHint(
                  "call metric(\"TAG\") with the metadata key the step prints, e.g."
                      + " maximize(\"val_ap\")"));
    }
    if (goal.isEmpty()) {
      problems.add(
          Problem.error(
                  "tuning-no-goal",
                  tp.field("goal"),
                  "tuning of node \"" + nodeName + "\" has no goal")
              .withHint("call maximize() or minimize()"));
    }
    if (algo == Algorithm.MANUAL_SEARCH) {
      if (trials.isEmpty()) {
        problems.add(
            Problem.error(
                    "tuning-manual",
                    tp.field("trials"),
                    "a manual search of node \"" + nodeName + "\" has no trials")
                .withHint("add each combination with trial(Map.of(\"NAME\", value, ...))"));
      }
      for (int i = 0; i < parameters.size(); i++) {
        problems.add(
            Problem.error(
                    "tuning-manual",
                    tp.field("parameters").index(i),
                    parameters.get(i).call() + ": a manual search runs its trials as written"
                        + " and searches nothing")
                .withHint("give the values in trial(...), or use another algorithm"));
      }
    } else if (!trials.isEmpty()) {
      problems.add(
          Problem.error(
                  "tuning-manual",
                  tp.field("trials"),
                  "trial(...) combinations are run by a manual search only, but the algorithm is "
                      + algo)
              .withHint("call manual(), or leave the algorithm out"));
    }
    if (algo == Algorithm.GRID_SEARCH) {
      for (int i = 0; i < parameters.size(); i++) {
        Declared d = parameters.get(i);
        if (d.kind() == Kind.DOUBLE) {
          problems.add(
              Problem.error(
                      "tuning-grid-double",
                      tp.field("parameters").index(i),
                      d.call() + ": a grid cannot enumerate a continuous range")
                  .withHint("list the values with discrete(\"" + d.name() + "\", ...)"));
        }
      }
    }
    boolean spaceComplete = searched.size() == parameters.size();
    long gridSize = algo == Algorithm.GRID_SEARCH && spaceComplete ? gridSize(searched) : 0;
    long natural = algo == Algorithm.MANUAL_SEARCH ? this.trials.size() : gridSize;
    int trials =
        maxTrials.orElse(
            natural > 0 ? (int) Math.min(natural, Integer.MAX_VALUE) : DEFAULT_MAX_TRIALS);
    checkBudget(
        tp,
        trials,
        algo == Algorithm.MANUAL_SEARCH ? "the manual trials" : "the grid's points",
        problems);
    if (maxTrials.isPresent() && trials >= 1 && algo == Algorithm.MANUAL_SEARCH
        && this.trials.size() > trials) {
      problems.add(
          Problem.warning(
                  "tuning-manual-truncated",
                  tp.field("maxTrials"),
                  "there are " + this.trials.size() + " manual trials and maxTrials is " + trials
                      + ": only the first " + trials + " are run")
              .withHint("leave maxTrials out to run every trial"));
    }
    if (maxTrials.isPresent() && trials >= 1 && gridSize > trials) {
      problems.add(
          Problem.warning(
                  "tuning-grid-truncated",
                  tp.field("maxTrials"),
                  "the grid has " + gridSize + " points and maxTrials is " + trials
                      + ": only the first " + trials + " points (in the order the parameters are"
                      + " written, the last varying fastest) are tried; the rest are dropped")
              .withHint("raise maxTrials to " + gridSize + " or leave it out to try every point"));
    }
    if (problems.subList(before, problems.size()).stream().anyMatch(Problem::isError)) {
      return Optional.empty();
    }
    return Optional.of(
        new TuningSpec(
            metric.get(), goal.get(), searched, algo, trials, maxParallelTrials,
            maxFailedTrials, earlyStopping, Optional.empty(), metricValue, fixedValues,
            manualTrials));
  }

  /** Points of the grid of these (INTEGER, CATEGORICAL, DISCRETE) parameters, saturating. */
  private static long gridSize(List<SearchParameter> space) {
    long n = 1;
    for (SearchParameter p : space) {
      long k;
      if (p instanceof SearchParameter.IntegerRange r) {
        k = r.size();
      } else if (p instanceof SearchParameter.Categorical c) {
        k = c.values().size();
      } else if (p instanceof SearchParameter.Discrete d) {
        k = d.values().size();
      } else {
        return 0;
      }
      n = n > Long.MAX_VALUE / k ? Long.MAX_VALUE : n * k;
    }
    return space.isEmpty() ? 0 : n;
  }

  /** The manual trials as text, in the step's parameter order, after checking each value. */
  private List<Map<String, String>> checkTrials(
      Step step,
      ModelPath tp,
      List<String> known,
      Map<String, String> fixedValues,
      List<Problem> problems) {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      ModelPath trialPath = tp.field("trials").index(i);
      Map<String, ParamValue> trial = trials.get(i);
      if (trial.isEmpty()) {
        problems.add(
            Problem.error("tuning-empty-trial", trialPath, "trial(...) sets no parameter"));
        continue;
      }
      // In the step's order, then unknown names sorted: messages do not depend on Map.of's order.
      List<String> names = new ArrayList<>();
      known.stream().filter(trial::containsKey).forEach(names::add);
      trial.keySet().stream().filter(k -> !known.contains(k)).sorted().forEach(names::add);
      Map<String, String> text = new LinkedHashMap<>();
      for (String name : names) {
        ParamValue v = trial.get(name);
        ModelPath vp = trialPath.field(name);
        Optional<ParameterSpec> spec = step.parameter(name);
        if (spec.isEmpty()) {
          problems.add(unknownParameter(vp, node.name(), name, step, known));
          continue;
        }
        if (fixedValues.containsKey(name)) {
          problems.add(
              Problem.error(
                      "tuning-fixed-and-searched",
                      vp,
                      "trial sets parameter \"" + name + "\", which is also fixed")
                  .withHint("either fix it or set it in each trial"));
          continue;
        }
        for (String m : Validator.checkValue(spec.get(), v)) {
          problems.add(
              Problem.error(
                  "tuning-bad-value", vp, "trial sets \"" + name + "\" to " + quote(v) + ": " + m));
        }
        text.put(name, v.render());
      }
      out.add(text);
    }
    return out;
  }

  private void checkBudget(
      ModelPath tp, int maxTrials, String implicitTrials, List<Problem> problems) {
    if (maxTrials < 1) {
      problems.add(
          Problem.error(
              "tuning-budget",
              tp.field("maxTrials"),
              "maxTrials(" + maxTrials + "): a tuning job needs at least 1 trial"));
    }
    if (maxParallelTrials < 1) {
      problems.add(
          Problem.error(
              "tuning-budget",
              tp.field("maxParallelTrials"),
              "maxParallelTrials(" + maxParallelTrials + "): at least 1 trial must run at a time"));
    } else if (maxTrials >= 1 && maxParallelTrials > maxTrials) {
      problems.add(
          Problem.error(
                  "tuning-budget",
                  tp.field("maxParallelTrials"),
                  "maxParallelTrials(" + maxParallelTrials + ") is more than "
                      + (this.maxTrials.isPresent()
                          ? "maxTrials(" + maxTrials + ")"
                          : "the " + maxTrials + " trials (" + implicitTrials + ")"))
              .withHint("at most " + maxTrials + " trials can run at once"));
    }
    if (maxFailedTrials < 0) {
      problems.add(
          Problem.error(
                  "tuning-budget",
                  tp.field("maxFailedTrials"),
                  "maxFailedTrials(" + maxFailedTrials + ") must not be negative")
              .withHint("0 tolerates as many failures as maxTrials"));
    }
  }

  private static Problem unknownParameter(
      ModelPath where, String nodeName, String name, Step step, List<String> known) {
    Problem p =
        Problem.error(
            "tuning-unknown-parameter",
            where,
            "tuning of node \"" + nodeName + "\" names parameter \"" + name
                + "\", which does not exist "
                + DidYouMean.known("step \"" + step.name() + "\" has", known));
    return DidYouMean.hint(name, known).map(p::withHint).orElse(p);
  }

  private static Optional<SearchParameter> checkParameter(
      Declared d, ParameterSpec spec, ModelPath pp, List<Problem> problems) {
    int before = problems.size();
    if (!fits(d.kind(), spec.type())) {
      problems.add(
          Problem.error(
                  "tuning-type-mismatch",
                  pp,
                  d.call() + " searches " + d.kind().shown + " values, but parameter \""
                      + d.name() + "\" is " + article(spec.type()))
              .withHint(suggest(spec)));
      return Optional.empty();
    }
    switch (d.kind()) {
      case DOUBLE, INTEGER -> {
        if (!(d.min() < d.max())) {
          problems.add(
              Problem.error(
                      "tuning-empty-range",
                      pp,
                      d.call() + ": min " + num(d.min()) + " must be less than max "
                          + num(d.max()))
                  .withHint(
                      d.min() == d.max()
                          ? "to keep one value, use fixed(\"" + d.name() + "\", "
                              + num(d.min()) + ")"
                          : "swap min and max"));
        } else if (d.scale() != Scale.LINEAR && d.min() <= 0) {
          problems.add(
              Problem.error(
                      "tuning-log-scale",
                      pp,
                      d.call() + ": a " + (d.scale() == Scale.LOG ? "log" : "reverse log")
                          + " scale needs min > 0; got " + num(d.min()))
                  .withHint(
                      d.kind() == Kind.DOUBLE
                          ? "use uniform(\"" + d.name() + "\", ...) or a positive min"
                          : "use a linear scale or a positive min"));
        }
        ParamValue lo = value(d.kind(), d.min());
        ParamValue hi = value(d.kind(), d.max());
        for (String m : Validator.checkValue(spec, lo)) {
          problems.add(Problem.error("tuning-bad-value", pp, d.call() + ": min " + m));
        }
        for (String m : Validator.checkValue(spec, hi)) {
          problems.add(Problem.error("tuning-bad-value", pp, d.call() + ": max " + m));
        }
      }
      case CATEGORICAL -> {
        if (d.strings().isEmpty()) {
          problems.add(
              Problem.error("tuning-no-values", pp, d.call() + ": no values to choose from"));
        }
        List<String> repeated =
            d.strings().stream()
                .filter(v -> d.strings().indexOf(v) != d.strings().lastIndexOf(v))
                .distinct()
                .toList();
        if (!repeated.isEmpty()) {
          problems.add(
              Problem.error(
                  "tuning-repeated-value",
                  pp,
                  d.call() + ": values repeat: "
                      + repeated.stream().map(v -> "\"" + v + "\"").collect(
                          Collectors.joining(", "))));
        }
        for (String v : d.strings()) {
          ParamValue pv =
              spec.type() == ParameterType.FLAG
                  ? flag(v).<ParamValue>map(ParamValue::of).orElse(ParamValue.of(v))
                  : ParamValue.of(v);
          for (String m : Validator.checkValue(spec, pv)) {
            problems.add(Problem.error("tuning-bad-value", pp, d.call() + ": " + m));
          }
        }
      }
      case DISCRETE -> {
        if (d.numbers().isEmpty()) {
          problems.add(
              Problem.error("tuning-no-values", pp, d.call() + ": no values to choose from"));
        }
        for (int i = 1; i < d.numbers().size(); i++) {
          if (d.numbers().get(i) <= d.numbers().get(i - 1)) {
            problems.add(
                Problem.error(
                        "tuning-unsorted-values",
                        pp,
                        d.call() + ": values must increase; " + num(d.numbers().get(i))
                            + " follows " + num(d.numbers().get(i - 1)))
                    .withHint("list them in increasing order, each once"));
            break;
          }
        }
        for (double v : d.numbers()) {
          boolean whole = v == Math.rint(v);
          if (spec.type() == ParameterType.INTEGER && !whole) {
            problems.add(
                Problem.error(
                    "tuning-bad-value",
                    pp,
                    d.call() + ": " + num(v) + " is not an integer, but parameter \"" + d.name()
                        + "\" is"));
            continue;
          }
          ParamValue pv = whole ? ParamValue.of((long) v) : ParamValue.of(v);
          for (String m : Validator.checkValue(spec, pv)) {
            problems.add(Problem.error("tuning-bad-value", pp, d.call() + ": " + m));
          }
        }
      }
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    switch (d.kind()) {
      case DOUBLE:
        return Optional.of(new SearchParameter.DoubleRange(d.name(), d.min(), d.max(), d.scale()));
      case INTEGER:
        return Optional.of(
            new SearchParameter.IntegerRange(
                d.name(), (long) d.min(), (long) d.max(), d.scale()));
      case CATEGORICAL:
        List<String> values = d.strings();
        if (spec.type() == ParameterType.FLAG) {
          values = values.stream().map(v -> flag(v).orElseThrow().toString()).toList();
        }
        return Optional.of(new SearchParameter.Categorical(d.name(), values));
      default:
        return Optional.of(new SearchParameter.Discrete(d.name(), d.numbers()));
    }
  }

  private static boolean fits(Kind kind, ParameterType type) {
    switch (kind) {
      case DOUBLE:
        return type == ParameterType.FLOAT;
      case INTEGER:
      case DISCRETE:
        return type == ParameterType.INTEGER || type == ParameterType.FLOAT;
      default:
        return type == ParameterType.STRING || type == ParameterType.FLAG;
    }
  }

  private static String suggest(ParameterSpec spec) {
    String n = "\"" + spec.name() + "\"";
    switch (spec.type()) {
      case INTEGER:
        return "use integers(" + n + ", min, max) or discrete(" + n + ", ...)";
      case FLOAT:
        return "use uniform(" + n + ", min, max), logUniform(" + n + ", min, max) or discrete("
            + n + ", ...)";
      case FLAG:
        return "use categorical(" + n + ", \"true\", \"false\")";
      default:
        return "use categorical(" + n + ", ...)";
    }
  }

  private static String article(ParameterType type) {
    switch (type) {
      case INTEGER:
        return "an integer";
      case FLOAT:
        return "a float";
      case FLAG:
        return "a flag";
      default:
        return "a string";
    }
  }

  private static Optional<Boolean> flag(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    if (s.equals("true")) {
      return Optional.of(true);
    }
    if (s.equals("false")) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  private static ParamValue value(Kind kind, double d) {
    return kind == Kind.INTEGER ? ParamValue.of((long) d) : ParamValue.of(d);
  }

  private TuneHandle range(
      Kind kind, String parameter, double min, double max, Scale scale, String method) {
    checkName(parameter);
    String args =
        kind == Kind.INTEGER && scale != Scale.LINEAR
            ? num(min) + ", " + num(max) + ", " + scale
            : num(min) + ", " + num(max);
    parameters.add(
        new Declared(
            kind, parameter, min, max, scale, List.of(), List.of(),
            method + "(\"" + parameter + "\", " + args + ")"));
    return this;
  }

  private static String call(
      String method, String parameter, Stream<String> values) {
    String rest = values.collect(Collectors.joining(", "));
    return method + "(\"" + parameter + "\"" + (rest.isEmpty() ? "" : ", " + rest) + ")";
  }

  private static void checkName(String parameter) {
    checkArgument(parameter != null && !parameter.isEmpty(), "a tuned parameter needs a name");
  }

  private static String quote(ParamValue v) {
    return v instanceof ParamValue.StringValue s ? "\"" + s.value() + "\"" : v.render();
  }

  /** A number as the user wrote it: {@code 3}, {@code 0.001}, {@code 1.0e-4}. */
  static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15
        ? Long.toString((long) d)
        : Double.toString(d).replace("E", "e");
  }

  private enum Kind {
    DOUBLE("DOUBLE"),
    INTEGER("INTEGER"),
    CATEGORICAL("CATEGORICAL"),
    DISCRETE("DISCRETE");

    final String shown;

    Kind(String shown) {
      this.shown = shown;
    }
  }

  /** One search parameter as written, checked only when the pipeline is built. */
  private record Declared(
      Kind kind,
      String name,
      double min,
      double max,
      Scale scale,
      List<String> strings,
      List<Double> numbers,
      String call) {}

  private record Fixed(String name, ParamValue value) {}
}
