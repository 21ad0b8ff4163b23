package dev.kiln.runner.plan;

import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Step;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import dev.kiln.pipelines.tuning.TuningSpec;

/**
 * One node as it will run.
 *
 * @param parameters the values known before the run (defaults, pipeline parameters, --param);
 *     values fed by parameter and metadata edges are filled in when upstream nodes finish
 * @param suppliedInputs URIs given for the node's inputs when starting the run
 * @param incoming the edges into this node
 * @param upstream the nodes this node waits for
 * @param tuning for a task node, what its trials search
 */
public record PlannedNode(
    Node node,
    Step step,
    Map<String, ParamValue> parameters,
    Map<String, List<String>> suppliedInputs,
    List<Edge> incoming,
    Set<String> upstream,
    Optional<TuningSpec> tuning) {
  public PlannedNode(
      Node node,
      Step step,
      Map<String, ParamValue> parameters,
      Map<String, List<String>> suppliedInputs,
      List<Edge> incoming,
      Set<String> upstream) {
    this(node, step, parameters, suppliedInputs, incoming, upstream, Optional.empty());
  }

  public PlannedNode {
    Objects.requireNonNull(tuning, "tuning");
    parameters = Map.copyOf(parameters);
    suppliedInputs = Map.copyOf(suppliedInputs);
    incoming = List.copyOf(incoming);
    upstream = Set.copyOf(upstream);
  }

  public String name() {
    return node.name();
  }

  public boolean isTuned() {
    return tuning.isPresent();
  }
}
