package dev.kiln.runner.plan;

import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.validation.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A validated pipeline ready to run: its nodes in a topological order. */
public record Plan(
    Project project, Pipeline pipeline, List<PlannedNode> nodes, List<Problem> warnings) {
  public Plan {
    nodes = List.copyOf(nodes);
    warnings = List.copyOf(warnings);
  }

  public Optional<PlannedNode> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** Nodes by name, in topological order. */
  public Map<String, PlannedNode> byName() {
    Map<String, PlannedNode> m = new LinkedHashMap<>();
    nodes.forEach(n -> m.put(n.name(), n));
    return m;
  }
}
