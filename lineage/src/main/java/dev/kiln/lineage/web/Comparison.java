package dev.kiln.lineage.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.JsonSupport;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.ParameterValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executions side by side (the trials of a sweep): each one's parameters and final metrics, where a
 * final metric is the last numeric value a key took in the execution's metadata.
 */
public record Comparison(List<String> parameterNames, List<String> metricNames, List<Row> rows) {
  public Comparison {
    parameterNames = List.copyOf(parameterNames);
    metricNames = List.copyOf(metricNames);
    rows = List.copyOf(rows);
  }

  /** One execution; parameter values stay JSON so numbers sort as numbers in the page. */
  public record Row(
      String executionId,
      String runId,
      String nodeName,
      String stepName,
      ExecutionStatus status,
      Map<String, JsonNode> parameters,
      Map<String, Double> metrics) {
    public Row {
      parameters = Map.copyOf(parameters);
      metrics = Map.copyOf(metrics);
    }
  }

  /** Builds the table; {@code metadata} gives every metadata entry of an execution, oldest first. */
  static Comparison of(
      List<ExecutionDetail> executions,
      java.util.function.Function<String, List<MetadataEntry>> metadata) {
    Set<String> params = new LinkedHashSet<>();
    Set<String> metrics = new LinkedHashSet<>();
    List<Row> rows = new ArrayList<>();
    for (ExecutionDetail e : executions) {
      Map<String, JsonNode> p = new LinkedHashMap<>();
      for (ParameterValue v : e.parameters()) {
        params.add(v.name());
        p.put(v.name(), JsonSupport.parse(v.valueJson(), "parameter " + v.name()));
      }
      Map<String, Double> last = new LinkedHashMap<>();
      for (MetadataEntry m : metadata.apply(e.execution().id())) {
        JsonNode json = JsonSupport.parse(m.json(), "metadata entry");
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> f = fields.next();
          if (f.getValue().isNumber() && !f.getKey().equals("_time")) {
            last.put(f.getKey(), f.getValue().doubleValue());
          }
        }
      }
      metrics.addAll(last.keySet());
      rows.add(
          new Row(
              e.execution().id(),
              e.execution().runId(),
              e.execution().nodeName(),
              e.execution().stepName(),
              e.execution().status(),
              p,
              last));
    }
    return new Comparison(new ArrayList<>(params), new ArrayList<>(metrics), rows);
  }
}
