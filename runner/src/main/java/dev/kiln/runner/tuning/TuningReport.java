package dev.kiln.runner.tuning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a tuning job did, read back from the store: its spec, every trial with its parameters,
 * status and metric, and the best trial. {@code kiln show} prints it.
 */
public record TuningReport(
    String taskExecutionId, TuningSpec spec, List<TrialRow> trials, Optional<String> bestTrial) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One trial. */
  public record TrialRow(
      int trial,
      String executionId,
      String status,
      Map<String, String> parameters,
      OptionalDouble metric,
      String error) {}

  /** The report of a task execution, or empty when it is no tuning job. */
  public static Optional<TuningReport> of(LineageStore store, String taskExecutionId) {
    Optional<String> specJson = store.tuningSpec(taskExecutionId);
    if (specJson.isEmpty()) {
      return Optional.empty();
    }
    TuningSpec spec = TuningSpecJson.read(specJson.get());
    List<TrialRow> rows = new ArrayList<>();
    for (ExecutionRecord t : store.trials(taskExecutionId)) {
      ExecutionDetail d = store.executionDetail(t.id());
      Map<String, String> params = new LinkedHashMap<>();
      for (ParameterValue p : d.parameters()) {
        params.put(p.name(), text(p.valueJson()));
      }
      rows.add(
          new TrialRow(
              t.trial(), t.id(), t.status().name(), params, metric(store, t.id(), spec),
              t.errorMessage()));
    }
    return Optional.of(
        new TuningReport(taskExecutionId, spec, rows, store.bestTrial(taskExecutionId)));
  }

  /** A trial's value of the spec's metric: its last or its best. */
  public static OptionalDouble metric(LineageStore store, String executionId, TuningSpec spec) {
    OptionalDouble out = OptionalDouble.empty();
    long after = 0;
    while (true) {
      List<MetadataEntry> page = store.metadata(executionId, after, 1000);
      if (page.isEmpty()) {
        return out;
      }
      for (MetadataEntry m : page) {
        after = m.seq();
        JsonNode v;
        try {
          v = JSON.readTree(m.json()).get(spec.metric());
        } catch (IOException e) {
          continue;
        }
        if (v == null || !v.isNumber()) {
          continue;
        }
        out = fold(spec, out, v.asDouble());
      }
    }
  }

  /**
   * The metric so far after one more value: the value itself for {@link MetricValue#LAST}, the
   * better of the two for {@link MetricValue#BEST}. The one rule the driver and the report share.
   */
  public static OptionalDouble fold(TuningSpec spec, OptionalDouble soFar, double value) {
    if (spec.metricValue() == MetricValue.LAST
        || soFar.isEmpty()
        || spec.goal().better(value, soFar.getAsDouble())) {
      return OptionalDouble.of(value);
    }
    return soFar;
  }

  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("executionId", taskExecutionId);
    try {
      o.set("hyperparameters", JSON.readTree(TuningSpecJson.write(spec)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    o.put("bestTrialExecutionId", bestTrial.orElse(null));
    ArrayNode a = o.putArray("trials");
    for (TrialRow r : trials) {
      ObjectNode t = a.addObject();
      t.put("trialId", Integer.toString(r.trial()));
      t.put("executionId", r.executionId());
      t.put("state", r.status());
      ObjectNode hp = t.putObject("hyperparameters");
      r.parameters().forEach(hp::put);
      if (r.metric().isPresent()) {
        ObjectNode fm = t.putObject("finalMetric");
        fm.put("tag", spec.metric());
        fm.put("objectiveValue", r.metric().getAsDouble());
      }
      t.put("isBest", bestTrial.map(b -> b.equals(r.executionId())).orElse(false));
      if (r.error() != null) {
        t.put("error", r.error());
      }
    }
    return o;
  }

  private static String text(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return n.isTextual() ? n.asText() : n.toString();
    } catch (IOException e) {
      return json;
    }
  }
}
