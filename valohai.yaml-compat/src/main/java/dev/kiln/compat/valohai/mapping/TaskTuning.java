package dev.kiln.compat.valohai.mapping;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.dto.DtoReader;
import dev.kiln.compat.valohai.dto.ValohaiDto;
import dev.kiln.compat.valohai.yaml.Mark;
import dev.kiln.compat.valohai.yaml.ScalarKind;
import dev.kiln.compat.valohai.yaml.YamlNode;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlMap;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlScalar;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlSeq;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.OnTrialError;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.Severity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A valohai.yaml task blueprint as Kiln's one tuning model, {@link TuningSpec}, with a located
 * diagnostic for each problem.
 *
 * <p>Valohai's semantics: {@code single} is a value every trial gets; {@code multiple} its {@code
 * items}; {@code linear} every value from {@code start} to {@code end} (both included) by {@code
 * step}; {@code logspace} {@code count} values {@code base^x} with x evenly from {@code start} to
 * {@code end} (numpy's logspace); {@code random} values between {@code min} and {@code max}, drawn
 * {@code count} times from {@code seed} where the search needs a list (grid, manual), searched as
 * a range otherwise. {@code integerify} rounds, {@code numberify} reads text items as numbers. A
 * grid is the product of the lists; a manual search runs the i-th value of every parameter
 * together, or the {@code parameter-sets}.
 *
 * <p>Severities: what is wrong as Valohai defines it too (a parameter the step lacks, a value that
 * does not fit its type, rules that are missing or contradict each other, a bad {@code Kiln:} key)
 * is an error. What is valid for Valohai but leaves Kiln without what it needs to run the task (no
 * metric, nothing searched, no {@code execution-count}, a step not in this file, a distributed
 * task) is a note starting with {@code Kiln:}, and the blueprint gets no spec: the planner refuses
 * its task nodes. A file the reference parser accepts is still accepted.
 */
public final class TaskTuning {
  /** Where Valohai is silent: Kiln's own task keys, linted like the rest. */
  public static final String KILN_METRIC = "Kiln:metric";

  public static final String KILN_GOAL = "Kiln:goal";
  public static final String KILN_METRIC_VALUE = "Kiln:metric-value";
  static final List<String> KILN_KEYS = List.of(KILN_GOAL, KILN_METRIC, KILN_METRIC_VALUE);

  /** At most this many values come out of one linear or logspace rule, and trials out of a grid. */
  static final int MAX_VALUES = 100_000;

  static final List<String> DISTRIBUTIONS = List.of("uniform", "log-uniform");

  private final Path file;
  private final String label;
  private final ValohaiDto.Task task;
  private final ValohaiDto.Step step;
  private final List<Diagnostic> out = new ArrayList<>();
  private boolean runnable = true;

  private TaskTuning(Path file, String label, ValohaiDto.Task task, ValohaiDto.Step step) {
    this.file = file;
    this.label = label;
    this.task = task;
    this.step = step;
  }

  /** Every task blueprint's problems, in file order. */
  public static List<Diagnostic> lint(Path file, ValohaiDto.Config config) {
    Map<String, ValohaiDto.Step> steps = steps(config);
    List<Diagnostic> out = new ArrayList<>();
    int index = 0;
    for (ValohaiDto.Item item : config.items()) {
      index++;
      if (item instanceof ValohaiDto.Task t) {
        String label = t.name() == null ? "task #" + index : "task \"" + t.name() + "\"";
        out.addAll(of(file, label, t, steps).diagnostics());
      }
    }
    return out;
  }

  /** The spec of {@code t}, when it has one; its problems are what {@link #lint} says. */
  public static Optional<TuningSpec> spec(ValohaiDto.Task t, Map<String, ValohaiDto.Step> steps) {
    return of(Path.of("valohai.yaml"), "task", t, steps).spec();
  }

  /** The steps of {@code config} by name, the last of a name winning as the reference does. */
  public static Map<String, ValohaiDto.Step> steps(ValohaiDto.Config config) {
    Map<String, ValohaiDto.Step> steps = new LinkedHashMap<>();
    for (ValohaiDto.Item item : config.items()) {
      if (item instanceof ValohaiDto.Step s && s.name() != null) {
        steps.put(s.name(), s);
      }
    }
    return steps;
  }

  /** A blueprint's spec (empty when it cannot run in Kiln) and its problems. */
  public record Result(Optional<TuningSpec> spec, List<Diagnostic> diagnostics) {
    public Result {
      diagnostics = List.copyOf(diagnostics);
    }
  }

  static Result of(Path file, String label, ValohaiDto.Task t, Map<String, ValohaiDto.Step> steps) {
    TaskTuning tt = new TaskTuning(file, label, t, t.step() == null ? null : steps.get(t.step()));
    Optional<TuningSpec> spec = tt.run(steps);
    return new Result(spec, tt.out);
  }

  // ---------------------------------------------------------------------------------------------

  private YamlMap src() {
    return task.source() instanceof YamlMap m ? m : new YamlMap(Mark.NONE, List.of());
  }

  private static String key(YamlMap m, String dashed) {
    String under = dashed.replace('-', '_');
    return !m.has(dashed) && m.has(under) ? under : dashed;
  }

  private void error(Mark at, String path, String message) {
    out.add(new Diagnostic(file, at.line(), at.col(), Severity.ERROR,
        label + (path.isEmpty() ? "" : " › " + path) + ": " + message));
    runnable = false;
  }

  private void warning(Mark at, String path, String message) {
    out.add(new Diagnostic(file, at.line(), at.col(), Severity.WARNING,
        label + " › " + path + ": " + message));
  }

  /** Valid for Valohai, but Kiln cannot run the task as written. */
  private void cannotRun(Mark at, String message) {
    out.add(new Diagnostic(file, at.line(), at.col(), Severity.NOTE,
        "Kiln: " + label + ": " + message + "; Kiln cannot run this task until then"));
    runnable = false;
  }

  private void note(Mark at, String message) {
    out.add(new Diagnostic(file, at.line(), at.col(), Severity.NOTE, "Kiln: " + label + ": " + message));
  }

  private Mark nameMark() {
    YamlMap m = src();
    return m.has("name") ? m.keyMark("name") : m.mark();
  }

  private Optional<TuningSpec> run(Map<String, ValohaiDto.Step> steps) {
    if (task.step() == null) {
      return Optional.empty(); // the reader said `step` is required
    }
    YamlMap m = src();
    String type = task.type() == null ? "grid_search" : task.type();
    if (m.has("type") && task.type() == null) {
      return Optional.empty(); // a bad type, already reported
    }
    Kiln kiln = kilnKeys(m);
    if (step == null) {
      out.add(new Diagnostic(file, m.valueMark("step").line(), m.valueMark("step").col(),
          Severity.NOTE,
          "Kiln: " + label + " › step: task \"" + task.name() + "\" names step \"" + task.step()
              + "\", which is not in this file "
              + DidYouMean.knownAndHint(task.step(), steps.keySet())
              + "; Kiln cannot run this task"));
      runnable = false;
    }
    if (type.equals("distributed")) {
      note(m.keyMark("type"), "distributed tasks are kept, but Kiln does not run them");
      return Optional.empty();
    }
    Algorithm algorithm =
        switch (type) {
          case "bayesian_tpe" -> Algorithm.BAYESIAN_TPE;
          case "random_search" -> Algorithm.RANDOM_SEARCH;
          case "manual_search" -> Algorithm.MANUAL_SEARCH;
          default -> Algorithm.GRID_SEARCH;
        };
    boolean needsLists = algorithm == Algorithm.GRID_SEARCH || algorithm == Algorithm.MANUAL_SEARCH;

    Map<String, String> fixed = new LinkedHashMap<>();
    List<Varied> varied = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    YamlSeq paramSeq = m.get("parameters").orElse(null) instanceof YamlSeq s ? s : null;
    for (int i = 0; i < task.parameters().size(); i++) {
      ValohaiDto.VariantParameter vp = task.parameters().get(i);
      if (vp.name() == null || vp.style() == null || !(vp.source() instanceof YamlMap pm)) {
        runnable = false;
        continue; // the reader reported it
      }
      String path = "parameters[" + i + "]";
      Integer first = seen.putIfAbsent(vp.name(), i);
      if (first != null) {
        error(pm.valueMark("name"), path + ".name",
            "parameter \"" + vp.name() + "\" is varied twice (first in parameters[" + first + "])");
        continue;
      }
      String ptype = paramType(vp.name(), pm.valueMark("name"), path + ".name");
      if (!(pm.get("rules").orElse(null) instanceof YamlMap rules)) {
        runnable = false;
        continue; // `rules` missing or not a mapping: reported by the reader
      }
      Rule r = new Rule(vp.name(), ptype, rules, path + ".rules");
      switch (vp.style()) {
        case "single" -> r.single().ifPresent(v -> fixed.put(vp.name(), v.text()));
        case "multiple" -> r.multiple().ifPresent(vs -> varied.add(new Varied(vp.name(), ptype, vs, null)));
        case "linear" -> r.linear().ifPresent(vs -> varied.add(new Varied(vp.name(), ptype, vs, null)));
        case "logspace" -> r.logspace().ifPresent(vs -> varied.add(new Varied(vp.name(), ptype, vs, null)));
        case "random" -> {
          if (needsLists) {
            r.randomDraws().ifPresent(vs -> varied.add(new Varied(vp.name(), ptype, vs, null)));
          } else {
            r.randomRange().ifPresent(sp -> varied.add(new Varied(vp.name(), ptype, List.of(), sp)));
          }
        }
        default -> runnable = false;
      }
    }
    List<Map<String, String>> sets = parameterSets(m, seen.keySet());

    Optional<Long> count = positive(m, "execution-count", task.executionCount());
    Optional<Long> batch = positive(m, "execution-batch-size", task.executionBatchSize());
    Optional<Long> queued = positive(m, "maximum-queued-executions", task.maximumQueuedExecutions());

    // What is searched.
    List<SearchParameter> params = new ArrayList<>();
    List<Map<String, String>> manual = new ArrayList<>();
    int maxTrials = 0;
    if (algorithm == Algorithm.MANUAL_SEARCH) {
      manual = manualTrials(m, varied, sets, paramSeq);
      maxTrials = manual.size();
      if (manual.isEmpty() && runnable) {
        cannotRun(nameMark(), "a manual_search needs `parameter-sets` or parameters with several"
            + " values (the i-th values of all parameters make trial i)");
      }
    } else {
      for (Varied v : varied) {
        v.toParameter().ifPresent(params::add);
      }
      if (varied.isEmpty() && runnable) {
        cannotRun(nameMark(), "nothing is searched: "
            + (fixed.isEmpty() ? "the task varies no parameter" : "every parameter is `style: single`")
            + "; add a parameter with style multiple, linear, logspace or random");
      }
      if (algorithm == Algorithm.GRID_SEARCH) {
        long grid = 1;
        for (Varied v : varied) {
          grid = Math.min((long) MAX_VALUES * MAX_VALUES, grid * Math.max(1, v.values().size()));
        }
        if (count.isPresent() && count.get() < grid) {
          warning(m.keyMark(key(m, "execution-count")), key(m, "execution-count"),
              "the grid has " + grid + " points but execution-count is " + count.get()
                  + ": only the first " + count.get() + " run (the last parameter varies fastest);"
                  + " points " + (count.get() + 1) + " to " + grid + " are dropped");
          maxTrials = (int) Math.min(count.get(), Integer.MAX_VALUE);
        } else if (grid > MAX_VALUES) {
          error(m.keyMark("parameters"), "parameters",
              "the grid has " + grid + " points; Kiln runs at most " + MAX_VALUES
                  + " (set `execution-count` to run the first ones)");
        } else {
          maxTrials = (int) grid;
        }
      } else if (count.isPresent()) {
        maxTrials = (int) Math.min(count.get(), Integer.MAX_VALUE);
      } else if (runnable && !m.has(key(m, "execution-count"))) {
        cannotRun(nameMark(), "a " + type + " task needs `execution-count`, the number of trials");
      }
    }

    // How many at a time: Valohai's batch size, and no more than may be queued at once.
    long parallel = 1;
    String parallelKey = null;
    if (batch.isPresent()) {
      parallel = batch.get();
      parallelKey = key(m, "execution-batch-size");
    }
    if (queued.isPresent() && (parallelKey == null || queued.get() < parallel)) {
      parallel = queued.get();
      parallelKey = key(m, "maximum-queued-executions");
    }
    if (parallelKey != null && maxTrials > 0 && parallel > maxTrials) {
      warning(m.keyMark(parallelKey), parallelKey,
          parallel + " trials at a time is more than the " + maxTrials + " trials the task runs; "
              + maxTrials + " run at a time");
      parallel = maxTrials;
    }

    // The metric and which way is better.
    Optional<String> metric =
        kiln.metric().or(() -> Optional.ofNullable(task.optimizationTargetMetric()));
    if (metric.isEmpty() || metric.get().isBlank()) {
      if (runnable) {
        cannotRun(nameMark(), "no metric to choose the best trial by: add `"
            + (algorithm == Algorithm.BAYESIAN_TPE ? "optimization-target-metric" : KILN_METRIC)
            + ": NAME`, the metadata key the step prints");
      }
    } else if (kiln.goal().isEmpty() && runnable) {
      note(nameMark(), "the best trial is the one with the largest \"" + metric.get()
          + "\" (Valohai does not say which way is better); add `" + KILN_GOAL
          + ": minimize` if smaller is better");
    }
    if (!runnable) {
      return Optional.empty();
    }
    try {
      return Optional.of(new TuningSpec(
          metric.get(), kiln.goal().orElse(Goal.MAXIMIZE), params, algorithm, maxTrials,
          (int) Math.max(1, parallel), 0, false, Optional.empty(),
          kiln.metricValue().orElse(MetricValue.LAST),
          fixed,
          manual, Optional.ofNullable(task.stopCondition()),
          Optional.ofNullable(task.optimizationTargetValue()),
          onTrialError(task.onChildError()), Boolean.TRUE.equals(task.reuseChildren())));
    } catch (IllegalArgumentException e) {
      error(nameMark(), "", "cannot be searched: " + e.getMessage());
      return Optional.empty();
    }
  }

  static OnTrialError onTrialError(String valohai) {
    if (valohai == null) {
      return OnTrialError.FAILURE_BUDGET;
    }
    return switch (valohai) {
      case "continue-and-complete" -> OnTrialError.CONTINUE_AND_COMPLETE;
      case "continue-and-error" -> OnTrialError.CONTINUE_AND_ERROR;
      default -> OnTrialError.STOP_ALL_AND_ERROR;
    };
  }

  private Optional<Long> positive(YamlMap m, String dashed, Long value) {
    if (value == null) {
      return Optional.empty();
    }
    String k = key(m, dashed);
    if (value < 1) {
      error(m.valueMark(k), k, "`" + value + "` must be at least 1");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  // ---------------------------------------------------------------------------------------------
  // Kiln: keys

  private record Kiln(Optional<String> metric, Optional<Goal> goal, Optional<MetricValue> metricValue) {}

  private Kiln kilnKeys(YamlMap m) {
    Optional<String> metric = Optional.empty();
    Optional<Goal> goal = Optional.empty();
    Optional<MetricValue> value = Optional.empty();
    for (YamlNode.Entry e : m.entries()) {
      if (!DtoReader.isKilnKey(e.key())) {
        continue;
      }
      String text = e.value() instanceof YamlScalar s && s.kind() == ScalarKind.STRING
          ? s.text() : null;
      switch (e.key()) {
        case KILN_METRIC -> {
          if (text == null || text.isBlank()) {
            error(e.value().mark(), e.key(), "expected the name of a metadata key, not "
                + e.value().describe());
          } else {
            metric = Optional.of(text);
          }
        }
        case KILN_GOAL -> {
          if ("maximize".equals(text)) {
            goal = Optional.of(Goal.MAXIMIZE);
          } else if ("minimize".equals(text)) {
            goal = Optional.of(Goal.MINIMIZE);
          } else {
            error(e.value().mark(), e.key(), shown(e.value()) + " is not one of maximize, minimize"
                + (text == null ? "" : DidYouMean.suffix(text.toLowerCase(Locale.ROOT),
                    List.of("maximize", "minimize"))));
          }
        }
        case KILN_METRIC_VALUE -> {
          if ("last".equals(text)) {
            value = Optional.of(MetricValue.LAST);
          } else if ("best".equals(text)) {
            value = Optional.of(MetricValue.BEST);
          } else {
            error(e.value().mark(), e.key(), shown(e.value()) + " is not one of last, best");
          }
        }
        default -> error(e.keyMark(), e.key(), "unknown key `" + e.key() + "` "
            + DidYouMean.known("Kiln's task keys", KILN_KEYS) + DidYouMean.suffix(e.key(), KILN_KEYS));
      }
    }
    return new Kiln(metric, goal, value);
  }

  private static String shown(YamlNode v) {
    if (v instanceof YamlScalar s) {
      return s.isNull() ? "null" : "`" + s.text() + "`";
    }
    return v.describe();
  }

  // ---------------------------------------------------------------------------------------------
  // Parameters

  /** The step's type of parameter {@code name} ("string" when unknown), reporting a missing one. */
  private String paramType(String name, Mark at, String path) {
    if (step == null) {
      return null;
    }
    List<String> known = new ArrayList<>();
    for (ValohaiDto.Parameter p : step.parameters()) {
      if (name.equals(p.name())) {
        return p.type() == null ? "string" : p.type();
      }
      if (p.name() != null) {
        known.add(p.name());
      }
    }
    error(at, path, "parameter \"" + name + "\" does not exist in step \"" + step.name()
        + "\" " + DidYouMean.knownAndHint(name, known));
    return null;
  }

  /** One value for a parameter: its text as the step reads it, and its number if it is one. */
  record Value(String text, Double number) {}

  /** A parameter with several values (a list) or a range. */
  private record Varied(String name, String type, List<Value> values, SearchParameter range) {
    Optional<SearchParameter> toParameter() {
      if (range != null) {
        return Optional.of(range);
      }
      if (type == null) {
        return Optional.empty();
      }
      if (type.equals("integer") || type.equals("float")) {
        TreeSet<Double> sorted = new TreeSet<>();
        values.forEach(v -> sorted.add(v.number()));
        return Optional.of(new SearchParameter.Discrete(name, List.copyOf(sorted)));
      }
      LinkedHashSet<String> texts = new LinkedHashSet<>();
      values.forEach(v -> texts.add(v.text()));
      return Optional.of(new SearchParameter.Categorical(name, List.copyOf(texts)));
    }
  }

  /** The rules of one variant parameter. */
  private final class Rule {
    final String name;
    final String type;
    final YamlMap rules;
    final String path;

    Rule(String name, String type, YamlMap rules, String path) {
      this.name = name;
      this.type = type;
      this.rules = rules;
      this.path = path;
    }

    String at(String key) {
      return path + "." + key;
    }

    boolean flag(String key) {
      return rules.get(key).orElse(null) instanceof YamlScalar s && Boolean.TRUE.equals(s.value());
    }

    Optional<YamlNode> required(String key, String what) {
      Optional<YamlNode> v = rules.get(key);
      if (v.isEmpty()) {
        error(rules.mark(), path, "`" + key + "` is required: " + what);
      }
      return v;
    }

    /** A number rule; null (reported) when absent or not a number. */
    Double number(String key, String what) {
      Optional<YamlNode> v = required(key, what);
      if (v.isEmpty()) {
        return null;
      }
      return numberOf(v.get(), at(key));
    }

    Double numberOf(YamlNode v, String where) {
      if (v instanceof YamlScalar s && s.value() instanceof Number n) {
        return n.doubleValue();
      }
      String hint = "";
      if (v instanceof YamlScalar s && s.kind() == ScalarKind.STRING) {
        try {
          Double.parseDouble(s.text());
          hint = " (YAML reads `" + s.text() + "` as text; write it with a dot, such as "
              + s.text().replaceFirst("^(-?\\d+)([eE])", "$1.0$2") + ")";
        } catch (NumberFormatException e) {
          // not numeric text
        }
      }
      error(v.mark(), where, shown(v) + " is " + v.describe() + ", not a number" + hint);
      return null;
    }

    Optional<Value> single() {
      Optional<YamlNode> v = required("value", "the value every trial gets");
      return v.flatMap(n -> fit(n.toJava(), n.mark(), at("value"), ""));
    }

    Optional<List<Value>> multiple() {
      Optional<YamlNode> v = required("items", "the list of values to search");
      if (v.isEmpty()) {
        return Optional.empty();
      }
      if (!(v.get() instanceof YamlSeq seq)) {
        error(v.get().mark(), at("items"), "expected a list of values, not " + v.get().describe());
        return Optional.empty();
      }
      if (seq.items().isEmpty()) {
        error(seq.mark(), at("items"), "the list is empty; give at least one value");
        return Optional.empty();
      }
      boolean numberify = flag("numberify");
      List<Value> values = new ArrayList<>();
      boolean ok = true;
      LinkedHashSet<String> texts = new LinkedHashSet<>();
      for (int j = 0; j < seq.items().size(); j++) {
        YamlNode item = seq.items().get(j);
        Object raw = item.toJava();
        if (numberify && raw instanceof String s) {
          raw = parseNumber(s).<Object>map(x -> x).orElse(raw);
        }
        Optional<Value> fitted = fit(raw, item.mark(), at("items[" + j + "]"), "");
        if (fitted.isEmpty()) {
          ok = false;
        } else if (!texts.add(fitted.get().text())) {
          warning(item.mark(), at("items[" + j + "]"),
              fitted.get().text() + " is listed twice; it is searched once");
        } else {
          values.add(fitted.get());
        }
      }
      return ok ? Optional.of(values) : Optional.empty();
    }

    Optional<List<Value>> linear() {
      Double start = number("start", "the first value");
      Double end = number("end", "the last value (included)");
      Double step = number("step", "the difference between values");
      if (start == null || end == null || step == null) {
        return Optional.empty();
      }
      if (step == 0 || (end - start) / step < 0) {
        error(rules.valueMark("step"), at("step"), "a step of " + num(step) + " never goes from "
            + num(start) + " to " + num(end)
            + (step == 0 ? "; use a step other than 0" : "; use a step of " + num(-step)));
        return Optional.empty();
      }
      BigDecimal s = new BigDecimal(Double.toString(start));
      BigDecimal d = new BigDecimal(Double.toString(step));
      double n = Math.floor((end - start) / step + 1e-9) + 1;
      if (n > MAX_VALUES) {
        error(rules.valueMark("step"), at("step"), "from " + num(start) + " to " + num(end)
            + " by " + num(step) + " is " + (long) n + " values; Kiln takes at most " + MAX_VALUES);
        return Optional.empty();
      }
      List<Double> xs = new ArrayList<>();
      for (int k = 0; k < (int) n; k++) {
        xs.add(s.add(d.multiply(BigDecimal.valueOf(k))).doubleValue());
      }
      return computed(xs, "start, end and step");
    }

    Optional<List<Value>> logspace() {
      // Valohai's own blueprint page writes min/max; the schema says start/end: both are read.
      String startKey = !rules.has("start") && rules.has("min") ? "min" : "start";
      String endKey = !rules.has("end") && rules.has("max") ? "max" : "end";
      Double start = number(startKey, "the first exponent");
      Double end = number(endKey, "the last exponent (included)");
      Double count = number("count", "how many values");
      Double base = rules.has("base") ? numberOf(rules.get("base").get(), at("base")) : Double.valueOf(10);
      if (start == null || end == null || count == null || base == null) {
        return Optional.empty();
      }
      if (count < 1 || count != Math.rint(count) || count > MAX_VALUES) {
        error(rules.valueMark("count"), at("count"), "`" + num(count)
            + "` is not a number of values: expected a whole number from 1 to " + MAX_VALUES);
        return Optional.empty();
      }
      if (base <= 0 || base == 1) {
        error(rules.valueMark("base"), at("base"), "a base of " + num(base)
            + " gives no range of values; use a base above 0 other than 1, such as 10");
        return Optional.empty();
      }
      int c = (int) (double) count;
      List<Double> xs = new ArrayList<>();
      for (int k = 0; k < c; k++) {
        double exp = c == 1 ? start : start + (end - start) * k / (c - 1);
        xs.add(Math.pow(base, exp));
      }
      return computed(xs, "the logspace rules");
    }

    private Double[] bounds() {
      Double min = number("min", "the smallest value");
      Double max = number("max", "the largest value");
      if (min == null || max == null) {
        return null;
      }
      if (!(min < max)) {
        error(rules.valueMark("max"), at("max"), "max " + num(max) + " must be more than min "
            + num(min));
        return null;
      }
      return new Double[] {min, max};
    }

    private Optional<Scale> scale(double min) {
      String dist = "uniform";
      if (rules.has("distribution")) {
        YamlNode v = rules.get("distribution").get();
        String text = v instanceof YamlScalar s ? s.text().toLowerCase(Locale.ROOT).replace('_', '-') : "";
        if (text.equals("loguniform")) {
          text = "log-uniform";
        }
        if (!DISTRIBUTIONS.contains(text)) {
          error(v.mark(), at("distribution"), shown(v) + " is not a distribution Kiln draws from"
              + " " + DidYouMean.knownAndHint(text, DISTRIBUTIONS));
          return Optional.empty();
        }
        dist = text;
      }
      if (dist.equals("log-uniform") && min <= 0) {
        error(rules.valueMark("min"), at("min"), "a log-uniform distribution needs min > 0; got "
            + num(min));
        return Optional.empty();
      }
      return Optional.of(dist.equals("log-uniform") ? Scale.LOG : Scale.LINEAR);
    }

    /** For grid and manual searches: {@code count} values drawn with {@code seed}. */
    Optional<List<Value>> randomDraws() {
      Double[] b = bounds();
      Double count = number("count", "how many random values the search takes");
      if (b == null || count == null) {
        return Optional.empty();
      }
      Optional<Scale> scale = scale(b[0]);
      if (scale.isEmpty()) {
        return Optional.empty();
      }
      if (count < 1 || count != Math.rint(count) || count > MAX_VALUES) {
        error(rules.valueMark("count"), at("count"), "`" + num(count)
            + "` is not a number of values: expected a whole number from 1 to " + MAX_VALUES);
        return Optional.empty();
      }
      long seed = 0;
      if (rules.has("seed")) {
        Double s = numberOf(rules.get("seed").get(), at("seed"));
        if (s == null) {
          return Optional.empty();
        }
        seed = (long) (double) s;
      }
      SplittableRandom random = new SplittableRandom(seed);
      boolean integer = flag("integerify") || "integer".equals(type);
      List<Double> xs = new ArrayList<>();
      for (int k = 0; k < (int) (double) count; k++) {
        double u = random.nextDouble();
        double x = scale.get() == Scale.LOG
            ? Math.exp(Math.log(b[0]) + u * (Math.log(b[1]) - Math.log(b[0])))
            : b[0] + u * (b[1] - b[0]);
        xs.add(integer ? Math.rint(x) : x);
      }
      return computed(xs, "min, max and count");
    }

    /** For random and Bayesian searches: the range itself. */
    Optional<SearchParameter> randomRange() {
      Double[] b = bounds();
      if (b == null) {
        return Optional.empty();
      }
      Optional<Scale> scale = scale(b[0]);
      if (scale.isEmpty() || type == null) {
        return Optional.empty();
      }
      if (type.equals("integer") || flag("integerify")) {
        long lo = (long) Math.ceil(b[0]);
        long hi = (long) Math.floor(b[1]);
        if (lo >= hi) {
          error(rules.valueMark("max"), at("max"), "no two whole numbers lie between min "
              + num(b[0]) + " and max " + num(b[1]));
          return Optional.empty();
        }
        return Optional.of(new SearchParameter.IntegerRange(name, lo, hi, scale.get()));
      }
      if (!type.equals("float")) {
        error(rules.mark(), path, "a random range needs a number parameter; \"" + name
            + "\" has type " + type + " (use style multiple)");
        return Optional.empty();
      }
      return Optional.of(new SearchParameter.DoubleRange(name, b[0], b[1], scale.get()));
    }

    private Optional<List<Value>> computed(List<Double> xs, String from) {
      boolean integerify = flag("integerify");
      List<Value> values = new ArrayList<>();
      LinkedHashSet<String> texts = new LinkedHashSet<>();
      for (double x : xs) {
        Object v = integerify ? Math.rint(x) : x;
        Optional<Value> fitted = fit(v, rules.mark(), path, " (from " + from + ")");
        if (fitted.isEmpty()) {
          return Optional.empty();
        }
        if (texts.add(fitted.get().text())) {
          values.add(fitted.get());
        }
      }
      return Optional.of(values);
    }

    /** {@code raw} as a value of the parameter's type, or an error saying why it does not fit. */
    Optional<Value> fit(Object raw, Mark at, String where, String from) {
      return TaskTuning.this.fit(name, type, raw, at, where, from);
    }
  }

  /** {@code raw} as a value of a {@code type} parameter, or an error saying why it does not fit. */
  Optional<Value> fit(String name, String type, Object raw, Mark at, String where, String from) {
    if (raw == null || raw instanceof Map<?, ?> || raw instanceof List<?>) {
      error(at, where, "expected a value, not " + (raw == null ? "null"
          : raw instanceof List<?> ? "a list" : "a mapping"));
      return Optional.empty();
    }
    if (type == null) {
      return Optional.of(new Value(text(raw), raw instanceof Number n ? n.doubleValue() : null));
    }
    String problem = null;
    switch (type) {
      case "integer" -> {
        BigInteger big = integer(raw);
        if (big != null) {
          return Optional.of(new Value(big.toString(), big.doubleValue()));
        }
        problem = "an integer";
      }
      case "float" -> {
        Double d = raw instanceof Number n ? Double.valueOf(n.doubleValue())
            : raw instanceof String s ? parseNumber(s).map(Number::doubleValue).orElse(null) : null;
        if (d != null && Double.isFinite(d)) {
          return Optional.of(new Value(text(raw instanceof Number ? raw : d), d));
        }
        problem = "a floating-point number";
      }
      case "flag" -> {
        if (raw instanceof Boolean b) {
          return Optional.of(new Value(b.toString(), null));
        }
        if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
          return Optional.of(new Value(s.toLowerCase(Locale.ROOT), null));
        }
        problem = "true or false";
      }
      default -> {
        return Optional.of(new Value(text(raw), null));
      }
    }
    error(at, where, text(raw) + from + " does not fit parameter \"" + name + "\" of step \""
        + step.name() + "\", which has type " + type + ": expected " + problem
        + (type.equals("integer") && raw instanceof Double ? " (set `integerify: true` to round)" : ""));
    return Optional.empty();
  }

  private static BigInteger integer(Object raw) {
    if (raw instanceof Long l) {
      return BigInteger.valueOf(l);
    }
    if (raw instanceof BigInteger b) {
      return b;
    }
    if (raw instanceof Double d && Double.isFinite(d) && d == Math.rint(d)) {
      return new BigDecimal(d).toBigInteger();
    }
    if (raw instanceof String s) {
      try {
        return new BigInteger(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Optional<Number> parseNumber(String s) {
    try {
      return Optional.of(new BigInteger(s.trim()));
    } catch (NumberFormatException e) {
      try {
        return Optional.of(Double.parseDouble(s.trim()));
      } catch (NumberFormatException e2) {
        return Optional.empty();
      }
    }
  }

  static String text(Object v) {
    if (v instanceof Double d) {
      return num(d);
    }
    return String.valueOf(v);
  }

  static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  // ---------------------------------------------------------------------------------------------
  // Manual search

  private List<Map<String, String>> parameterSets(YamlMap m, Set<String> varied) {
    List<Map<String, String>> sets = new ArrayList<>();
    String k = key(m, "parameter-sets");
    if (!(m.get(k).orElse(null) instanceof YamlSeq seq)) {
      return sets;
    }
    for (int i = 0; i < seq.items().size(); i++) {
      if (!(seq.items().get(i) instanceof YamlMap set) || set.size() == 0) {
        continue; // not a mapping: reported by the reader; empty: dropped as the reference does
      }
      Map<String, String> trial = new LinkedHashMap<>();
      for (YamlNode.Entry e : set.entries()) {
        String where = k + "[" + i + "]." + e.key();
        String type = paramType(e.key(), e.keyMark(), where);
        fit(e.key(), type, e.value().toJava(), e.value().mark(), where, "")
            .ifPresent(v -> trial.put(e.key(), v.text()));
      }
      sets.add(trial);
    }
    return sets;
  }

  private List<Map<String, String>> manualTrials(
      YamlMap m, List<Varied> varied, List<Map<String, String>> sets, YamlSeq paramSeq) {
    if (!sets.isEmpty()) {
      return sets; // `style: single` values reach every set through the spec's fixedParameters
    }
    int n = -1;
    String firstName = null;
    for (Varied v : varied) {
      if (v.values().size() == 1) {
        continue;
      }
      if (n < 0) {
        n = v.values().size();
        firstName = v.name();
      } else if (v.values().size() != n) {
        error(m.keyMark("parameters"), "parameters", "a manual_search runs the i-th values of all"
            + " parameters together, but \"" + firstName + "\" has " + n + " values and \""
            + v.name() + "\" has " + v.values().size());
        return List.of();
      }
    }
    if (varied.isEmpty()) {
      return List.of();
    }
    n = Math.max(n, 1);
    List<Map<String, String>> trials = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> trial = new LinkedHashMap<>();
      for (Varied v : varied) {
        trial.put(v.name(), v.values().get(v.values().size() == 1 ? 0 : i).text());
      }
      trials.add(trial);
    }
    return trials;
  }
}
