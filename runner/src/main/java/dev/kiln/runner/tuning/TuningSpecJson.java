package dev.kiln.runner.tuning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.OnTrialError;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tuning spec as the lineage store keeps it (and the viewer and {@code kiln show --json} read
 * it): AI Platform's {@code hyperparameters} object, field for field ({@code goal}, {@code
 * hyperparameterMetricTag}, {@code maxTrials}, {@code maxParallelTrials}, {@code maxFailedTrials},
 * {@code enableTrialEarlyStopping}, {@code algorithm}, {@code resumePreviousJobId}, {@code params}
 * with {@code parameterName}, {@code type}, {@code minValue}, {@code maxValue}, {@code
 * categoricalValues}, {@code discreteValues}, {@code scaleType}), plus Kiln's own fields under
 * {@code Kiln:} keys: {@code Kiln:metricValue}, {@code Kiln:fixedParameters}, {@code
 * Kiln:manualTrials}, and Valohai's task settings {@code Kiln:stopCondition}, {@code
 * Kiln:targetValue}, {@code Kiln:onTrialError}, {@code Kiln:reuseTrials} (each only when set).
 */
public final class TuningSpecJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TuningSpecJson() {}

  public static String write(TuningSpec spec) {
    ObjectNode o = JSON.createObjectNode();
    o.put("goal", spec.goal().name());
    o.put("hyperparameterMetricTag", spec.metric());
    o.put("maxTrials", spec.maxTrials());
    o.put("maxParallelTrials", spec.maxParallelTrials());
    o.put("maxFailedTrials", spec.maxFailedTrials());
    o.put("enableTrialEarlyStopping", spec.earlyStopping());
    o.put("algorithm", algorithmName(spec.algorithm()));
    if (spec.resumePreviousJobId().isPresent()) {
      o.put("resumePreviousJobId", spec.resumePreviousJobId().get());
    }
    ArrayNode params = o.putArray("params");
    for (SearchParameter p : spec.parameters()) {
      ObjectNode j = params.addObject();
      j.put("parameterName", p.name());
      if (p instanceof SearchParameter.DoubleRange d) {
        j.put("type", "DOUBLE");
        j.put("minValue", d.min());
        j.put("maxValue", d.max());
        j.put("scaleType", d.scale().aiPlatformName());
      } else if (p instanceof SearchParameter.IntegerRange i) {
        j.put("type", "INTEGER");
        j.put("minValue", i.min());
        j.put("maxValue", i.max());
        j.put("scaleType", i.scale().aiPlatformName());
      } else if (p instanceof SearchParameter.Categorical c) {
        j.put("type", "CATEGORICAL");
        ArrayNode v = j.putArray("categoricalValues");
        c.values().forEach(v::add);
      } else if (p instanceof SearchParameter.Discrete d) {
        j.put("type", "DISCRETE");
        ArrayNode v = j.putArray("discreteValues");
        d.values().forEach(v::add);
      }
    }
    o.put("Kiln:metricValue", spec.metricValue().name());
    if (!spec.fixedParameters().isEmpty()) {
      ObjectNode f = o.putObject("Kiln:fixedParameters");
      spec.fixedParameters().forEach(f::put);
    }
    if (!spec.manualTrials().isEmpty()) {
      ArrayNode m = o.putArray("Kiln:manualTrials");
      for (Map<String, String> t : spec.manualTrials()) {
        ObjectNode e = m.addObject();
        t.forEach(e::put);
      }
    }
    spec.stopCondition().ifPresent(c -> o.put("Kiln:stopCondition", c));
    spec.targetValue().ifPresent(v -> o.put("Kiln:targetValue", v));
    if (spec.onTrialError() != OnTrialError.FAILURE_BUDGET) {
      o.put("Kiln:onTrialError", spec.onTrialError().name());
    }
    if (spec.reuseTrials()) {
      o.put("Kiln:reuseTrials", true);
    }
    return o.toString();
  }

  /** Reads what {@link #write} wrote. */
  public static TuningSpec read(String json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("stored tuning spec is not JSON: " + e.getMessage(), e);
    }
    List<SearchParameter> params = new ArrayList<>();
    for (JsonNode j : o.path("params")) {
      String name = j.path("parameterName").asText();
      String type = j.path("type").asText();
      Scale scale =
          Scale.ofAiPlatform(j.path("scaleType").asText("UNIT_LINEAR_SCALE")).orElse(Scale.LINEAR);
      if (type.equals("DOUBLE")) {
        params.add(
            new SearchParameter.DoubleRange(
                name, j.path("minValue").asDouble(), j.path("maxValue").asDouble(), scale));
      } else if (type.equals("INTEGER")) {
        params.add(
            new SearchParameter.IntegerRange(
                name, j.path("minValue").asLong(), j.path("maxValue").asLong(), scale));
      } else if (type.equals("CATEGORICAL")) {
        List<String> v = new ArrayList<>();
        j.path("categoricalValues").forEach(x -> v.add(x.asText()));
        params.add(new SearchParameter.Categorical(name, v));
      } else {
        List<Double> v = new ArrayList<>();
        j.path("discreteValues").forEach(x -> v.add(x.asDouble()));
        params.add(new SearchParameter.Discrete(name, v));
      }
    }
    Map<String, String> fixed = new LinkedHashMap<>();
    o.path("Kiln:fixedParameters").fields().forEachRemaining(e -> fixed.put(e.getKey(), e.getValue().asText()));
    List<Map<String, String>> manual = new ArrayList<>();
    for (JsonNode t : o.path("Kiln:manualTrials")) {
      Map<String, String> m = new LinkedHashMap<>();
      t.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
      manual.add(m);
    }
    return new TuningSpec(
        o.path("hyperparameterMetricTag").asText(),
        Goal.valueOf(o.path("goal").asText("MAXIMIZE")),
        params,
        algorithmOf(o.path("algorithm").asText("ALGORITHM_UNSPECIFIED")),
        o.path("maxTrials").asInt(),
        o.path("maxParallelTrials").asInt(1),
        o.path("maxFailedTrials").asInt(0),
        o.path("enableTrialEarlyStopping").asBoolean(false),
        o.hasNonNull("resumePreviousJobId")
            ? Optional.of(o.get("resumePreviousJobId").asText())
            : Optional.empty(),
        MetricValue.valueOf(o.path("Kiln:metricValue").asText("LAST")),
        fixed,
        manual,
        o.hasNonNull("Kiln:stopCondition")
            ? Optional.of(o.get("Kiln:stopCondition").asText())
            : Optional.empty(),
        o.hasNonNull("Kiln:targetValue")
            ? Optional.of(o.get("Kiln:targetValue").asDouble())
            : Optional.empty(),
        OnTrialError.valueOf(o.path("Kiln:onTrialError").asText("FAILURE_BUDGET")),
        o.path("Kiln:reuseTrials").asBoolean(false));
  }

  /** AI Platform's name of the algorithm; Bayesian is ALGORITHM_UNSPECIFIED there. */
  public static String algorithmName(Algorithm a) {
    return a == Algorithm.BAYESIAN_TPE ? "ALGORITHM_UNSPECIFIED" : a.name();
  }

  static Algorithm algorithmOf(String name) {
    return name.equals("ALGORITHM_UNSPECIFIED") ? Algorithm.BAYESIAN_TPE : Algorithm.valueOf(name);
  }
}
