package dev.kiln.compat.aiplatform;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.yaml.LocatedYamlReader;
import dev.kiln.compat.valohai.yaml.Mark;
import dev.kiln.compat.valohai.yaml.YamlNode;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads an AI Platform training config ({@code kiln tune --config config.yaml}): {@code
 * trainingInput.hyperparameters} with {@code goal} (default MAXIMIZE), {@code
 * hyperparameterMetricTag} (default {@code training/hptuning/metric}), {@code maxTrials} (default
 * 1), {@code maxParallelTrials} (default 1; more than maxTrials is a warning and clamped), {@code
 * maxFailedTrials}, {@code enableTrialEarlyStopping}, {@code algorithm}, {@code
 * resumePreviousJobId} and {@code params}. The rest of {@code trainingInput} (machine types,
 * TPUs, regions) is accepted with a note that it does not apply to Kiln. Every problem is a
 * {@link Diagnostic} at its place in the file; a spec comes back only when there are no errors.
 */
public final class AiPlatformConfig {
  /** The spec, when the file has no errors, and every diagnostic found. */
  public record Result(Optional<TuningSpec> spec, List<Diagnostic> diagnostics) {
    public Result {
      diagnostics = diagnostics.stream().sorted(Diagnostic.ORDER).toList();
    }

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  static final String DEFAULT_METRIC = "training/hptuning/metric";
  private static final Set<String> HYPERPARAMETER_KEYS =
      Set.of(
          "goal", "hyperparameterMetricTag", "maxTrials", "maxParallelTrials", "maxFailedTrials",
          "enableTrialEarlyStopping", "algorithm", "resumePreviousJobId", "params");
  private static final Set<String> PARAM_KEYS =
      Set.of(
          "parameterName", "type", "minValue", "maxValue", "categoricalValues", "discreteValues",
          "scaleType");

  private final Path file;
  private final Collection<String> stepParameters;
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  private AiPlatformConfig(Path file, Collection<String> stepParameters) {
    this.file = file;
    this.stepParameters = stepParameters;
  }

  /**
   * Reads {@code file}; {@code stepParameters} are the parameters of the step being tuned, so that
   * an unknown name is an error with a did-you-mean.
   */
  public static Result read(Path file, Collection<String> stepParameters) {
    AiPlatformConfig reader = new AiPlatformConfig(file, stepParameters);
    LocatedYamlReader.Result yaml = LocatedYamlReader.read(file);
    reader.diagnostics.addAll(yaml.diagnostics());
    if (yaml.hasErrors() || yaml.root().isEmpty()) {
      if (yaml.root().isEmpty() && !yaml.hasErrors()) {
        reader.error(Mark.NONE, "the file is empty; expected trainingInput.hyperparameters");
      }
      return new Result(Optional.empty(), reader.diagnostics);
    }
    Optional<TuningSpec> spec = reader.spec(yaml.root().get());
    return new Result(reader.hasErrors() ? Optional.empty() : spec, reader.diagnostics);
  }

  private boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  private void error(Mark at, String message) {
    diagnostics.add(new Diagnostic(file, at.line(), at.col(), Severity.ERROR, message));
  }

  private void warning(Mark at, String message) {
    diagnostics.add(new Diagnostic(file, at.line(), at.col(), Severity.WARNING, message));
  }

  private Optional<TuningSpec> spec(YamlNode root) {
    if (!(root instanceof YamlNode.YamlMap top)) {
      error(root.mark(), "expected a mapping with trainingInput; found " + root.describe());
      return Optional.empty();
    }
    // Both the job resource ({trainingInput: ...}) and the bare TrainingInput are seen in use.
    YamlNode.YamlMap input = top;
    if (top.has("trainingInput")) {
      for (YamlNode.Entry e : top.entries()) {
        if (!e.key().equals("trainingInput") && !e.key().equals("jobId") && !e.key().equals("labels")) {
          warning(e.keyMark(), "\"" + e.key() + "\" is not read by kiln tune");
        }
      }
      Optional<YamlNode.YamlMap> m = map(top, "trainingInput");
      if (m.isEmpty()) {
        return Optional.empty();
      }
      input = m.get();
    }
    if (!input.has("hyperparameters")) {
      error(input.mark(), "trainingInput has no hyperparameters; kiln tune needs them");
      return Optional.empty();
    }
    for (YamlNode.Entry e : input.entries()) {
      if (!e.key().equals("hyperparameters")) {
        warning(
            e.keyMark(),
            "trainingInput." + e.key() + " does not apply to Kiln (trials run on this machine's"
                + " executors); ignored");
      }
    }
    Optional<YamlNode.YamlMap> hp = map(input, "hyperparameters");
    if (hp.isEmpty()) {
      return Optional.empty();
    }
    YamlNode.YamlMap h = hp.get();
    for (YamlNode.Entry e : h.entries()) {
      if (!HYPERPARAMETER_KEYS.contains(e.key())) {
        error(
            e.keyMark(),
            "hyperparameters." + e.key() + " is not an AI Platform hyperparameters field"
                + DidYouMean.suffix(e.key(), HYPERPARAMETER_KEYS));
      }
    }
    Goal goal = enumValue(h, "goal", Goal.class, Goal.MAXIMIZE);
    String metric = string(h, "hyperparameterMetricTag").orElse(DEFAULT_METRIC);
    int maxTrials = integer(h, "maxTrials", 1, 1);
    int maxParallel = integer(h, "maxParallelTrials", 1, 1);
    if (maxParallel > maxTrials && h.has("maxParallelTrials")) {
      warning(
          h.valueMark("maxParallelTrials"),
          "maxParallelTrials " + maxParallel + " is more than maxTrials " + maxTrials
              + "; at most " + maxTrials + " trials run at a time");
      maxParallel = maxTrials;
    }
    int maxFailed = integer(h, "maxFailedTrials", 0, 0);
    boolean early = bool(h, "enableTrialEarlyStopping");
    Algorithm algorithm = algorithm(h);
    Optional<String> previous = string(h, "resumePreviousJobId");
    List<SearchParameter> params = params(h);
    if (hasErrors()) {
      return Optional.empty();
    }
    try {
      TuningSpec spec =
          new TuningSpec(
              metric, goal, params, algorithm, maxTrials, maxParallel, maxFailed, early, previous);
      if (algorithm == Algorithm.GRID_SEARCH && spec.gridSize() > maxTrials) {
        warning(
            h.valueMark("algorithm"),
            "the grid has " + spec.gridSize() + " points and maxTrials is " + maxTrials
                + ": only the first " + maxTrials + " points (in the order of params, the last"
                + " parameter varying fastest) are tried; the rest are dropped");
      }
      return Optional.of(spec);
    } catch (IllegalArgumentException e) {
      error(h.has("algorithm") ? h.valueMark("algorithm") : h.mark(), e.getMessage());
      return Optional.empty();
    }
  }

  private Algorithm algorithm(YamlNode.YamlMap h) {
    Optional<String> a = string(h, "algorithm");
    if (a.isEmpty() || a.get().equals("ALGORITHM_UNSPECIFIED")) {
      return Algorithm.BAYESIAN_TPE;
    }
    switch (a.get()) {
      case "GRID_SEARCH":
        return Algorithm.GRID_SEARCH;
      case "RANDOM_SEARCH":
        return Algorithm.RANDOM_SEARCH;
      default:
        List<String> known = List.of("ALGORITHM_UNSPECIFIED", "GRID_SEARCH", "RANDOM_SEARCH");
        error(
            h.valueMark("algorithm"),
            "algorithm " + a.get() + " is not one of " + String.join(", ", known)
                + DidYouMean.suffix(a.get(), known));
        return Algorithm.BAYESIAN_TPE;
    }
  }

  private List<SearchParameter> params(YamlNode.YamlMap h) {
    List<SearchParameter> out = new ArrayList<>();
    if (!h.has("params")) {
      error(h.mark(), "hyperparameters has no params; name at least one parameter to search");
      return out;
    }
    if (!(h.get("params").get() instanceof YamlNode.YamlSeq seq)) {
      error(h.valueMark("params"), "params must be a list of parameter specs");
      return out;
    }
    for (int i = 0; i < seq.items().size(); i++) {
      YamlNode item = seq.items().get(i);
      String where = "params[" + i + "]";
      if (!(item instanceof YamlNode.YamlMap p)) {
        error(item.mark(), where + " must be a mapping with parameterName and type");
        continue;
      }
      param(p, where).ifPresent(out::add);
    }
    return out;
  }

  private Optional<SearchParameter> param(YamlNode.YamlMap p, String where) {
    for (YamlNode.Entry e : p.entries()) {
      if (!PARAM_KEYS.contains(e.key())) {
        error(
            e.keyMark(),
            where + "." + e.key() + " is not a ParameterSpec field"
                + DidYouMean.suffix(e.key(), PARAM_KEYS));
      }
    }
    Optional<String> name = string(p, "parameterName");
    if (name.isEmpty()) {
      error(p.mark(), where + " has no parameterName");
      return Optional.empty();
    }
    where = where + " (" + name.get() + ")";
    if (!stepParameters.isEmpty() && !stepParameters.contains(name.get())) {
      error(
          p.valueMark("parameterName"),
          where + ": the step has no parameter \"" + name.get() + "\""
              + DidYouMean.suffix(name.get(), stepParameters));
      return Optional.empty();
    }
    Optional<String> type = string(p, "type");
    if (type.isEmpty()) {
      error(p.mark(), where + " has no type (DOUBLE, INTEGER, CATEGORICAL or DISCRETE)");
      return Optional.empty();
    }
    Mark at = p.valueMark("type");
    Scale scale = Scale.LINEAR;
    Optional<String> scaleName = string(p, "scaleType");
    if (scaleName.isPresent() && !scaleName.get().equals("NONE")) {
      Optional<Scale> s = Scale.ofAiPlatform(scaleName.get());
      if (s.isEmpty()) {
        List<String> known =
            Arrays.stream(Scale.values()).map(Scale::aiPlatformName).toList();
        error(
            p.valueMark("scaleType"),
            where + ": scaleType " + scaleName.get() + " is not one of "
                + String.join(", ", known) + DidYouMean.suffix(scaleName.get(), known));
        return Optional.empty();
      }
      scale = s.get();
      at = p.valueMark("scaleType");
    }
    try {
      switch (type.get()) {
        case "DOUBLE":
          return Optional.of(
              new SearchParameter.DoubleRange(
                  name.get(), number(p, "minValue", where), number(p, "maxValue", where), scale));
        case "INTEGER":
          double lo = number(p, "minValue", where);
          double hi = number(p, "maxValue", where);
          if (lo != Math.rint(lo) || hi != Math.rint(hi)) {
            error(p.valueMark("minValue"), where + ": INTEGER needs whole minValue and maxValue");
            return Optional.empty();
          }
          return Optional.of(
              new SearchParameter.IntegerRange(name.get(), (long) lo, (long) hi, scale));
        case "CATEGORICAL":
          return Optional.of(new SearchParameter.Categorical(name.get(), strings(p, where)));
        case "DISCRETE":
          at = p.has("discreteValues") ? p.valueMark("discreteValues") : p.mark();
          return Optional.of(new SearchParameter.Discrete(name.get(), numbers(p, where)));
        default:
          List<String> known = List.of("DOUBLE", "INTEGER", "CATEGORICAL", "DISCRETE");
          error(
              p.valueMark("type"),
              where + ": type " + type.get() + " is not one of " + String.join(", ", known)
                  + DidYouMean.suffix(type.get(), known));
          return Optional.empty();
      }
    } catch (MissingField e) {
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      Mark mark =
          e.getMessage().contains("minValue") && p.has("minValue") ? p.valueMark("minValue") : at;
      error(mark, where + ": " + e.getMessage().replaceFirst("^parameter \"[^\"]*\":? ?", ""));
      return Optional.empty();
    }
  }

  /** Thrown after a missing field was reported, to give up on one parameter. */
  private static final class MissingField extends RuntimeException {
    MissingField() {
      super(null, null, false, false);
    }
  }

  private double number(YamlNode.YamlMap m, String key, String where) {
    Optional<YamlNode> v = m.get(key);
    if (v.isEmpty()) {
      error(m.mark(), where + " has no " + key);
      throw new MissingField();
    }
    Optional<Double> d = asNumber(v.get());
    if (d.isEmpty()) {
      error(v.get().mark(), where + "." + key + " must be a number; found " + v.get().describe());
      throw new MissingField();
    }
    return d.get();
  }

  private static Optional<Double> asNumber(YamlNode n) {
    if (n instanceof YamlNode.YamlScalar s) {
      if (s.value() instanceof Number num) {
        return Optional.of(num.doubleValue());
      }
      if (s.value() instanceof String text) {
        // YAML 1.1 reads 1e-3 (no dot) as a string; AI Platform's JSON reads it as a number.
        try {
          return Optional.of(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private List<String> strings(YamlNode.YamlMap p, String where) {
    return values(
        p, "categoricalValues", "CATEGORICAL", where, "a string",
        item ->
            item instanceof YamlNode.YamlScalar s && !s.isNull()
                ? Optional.of(s.text())
                : Optional.empty());
  }

  private List<Double> numbers(YamlNode.YamlMap p, String where) {
    return values(
        p, "discreteValues", "DISCRETE", where, "a number", AiPlatformConfig::asNumber);
  }

  /** The non-empty list {@code key} of a CATEGORICAL or DISCRETE parameter, item by item. */
  private <T> List<T> values(
      YamlNode.YamlMap p,
      String key,
      String type,
      String where,
      String expected,
      Function<YamlNode, Optional<T>> item) {
    Optional<YamlNode> v = p.get(key);
    if (v.isEmpty()) {
      error(p.mark(), where + " is " + type + " but has no " + key);
      throw new MissingField();
    }
    if (!(v.get() instanceof YamlNode.YamlSeq seq)) {
      error(v.get().mark(), where + "." + key + " must be a list of " + expected.substring(2) + "s");
      throw new MissingField();
    }
    List<T> out = new ArrayList<>();
    for (YamlNode node : seq.items()) {
      Optional<T> value = item.apply(node);
      if (value.isEmpty()) {
        error(node.mark(), where + "." + key + " holds " + node.describe() + "; expected " + expected);
        throw new MissingField();
      }
      out.add(value.get());
    }
    if (out.isEmpty()) {
      error(v.get().mark(), where + " is " + type + " but " + key + " is empty");
      throw new MissingField();
    }
    return out;
  }

  private Optional<YamlNode.YamlMap> map(YamlNode.YamlMap m, String key) {
    YamlNode v = m.get(key).orElseThrow();
    if (v instanceof YamlNode.YamlMap inner) {
      return Optional.of(inner);
    }
    error(v.mark(), key + " must be a mapping; found " + v.describe());
    return Optional.empty();
  }

  private Optional<String> string(YamlNode.YamlMap m, String key) {
    Optional<YamlNode> v = m.get(key);
    if (v.isEmpty() || (v.get() instanceof YamlNode.YamlScalar s && s.isNull())) {
      return Optional.empty();
    }
    if (v.get() instanceof YamlNode.YamlScalar s) {
      return Optional.of(s.text());
    }
    error(v.get().mark(), key + " must be a single value; found " + v.get().describe());
    return Optional.empty();
  }

  private int integer(YamlNode.YamlMap m, String key, int fallback, int min) {
    Optional<YamlNode> v = m.get(key);
    if (v.isEmpty()) {
      return fallback;
    }
    Optional<Double> d = asNumber(v.get());
    if (d.isEmpty() || d.get() != Math.rint(d.get()) || d.get() < min || d.get() > 1_000_000) {
      error(
          v.get().mark(),
          key + " must be a whole number of at least " + min + "; found "
              + (v.get() instanceof YamlNode.YamlScalar s ? s.text() : v.get().describe()));
      return fallback;
    }
    return d.get().intValue();
  }

  private boolean bool(YamlNode.YamlMap m, String key) {
    Optional<YamlNode> v = m.get(key);
    if (v.isEmpty()) {
      return false;
    }
    if (v.get() instanceof YamlNode.YamlScalar s && s.value() instanceof Boolean b) {
      return b;
    }
    error(v.get().mark(), key + " must be true or false; found " + v.get().describe());
    return false;
  }

  private <E extends Enum<E>> E enumValue(YamlNode.YamlMap m, String key, Class<E> type, E fallback) {
    Optional<String> s = string(m, key);
    if (s.isEmpty()) {
      return fallback;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(s.get())) {
        return e;
      }
    }
    List<String> known = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
    error(
        m.valueMark(key),
        key + " " + s.get() + " is not one of " + String.join(", ", known)
            + DidYouMean.suffix(s.get().toUpperCase(Locale.ROOT), known));
    return fallback;
  }
}
