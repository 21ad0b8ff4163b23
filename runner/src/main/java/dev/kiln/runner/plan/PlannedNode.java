package dev.kiln.runner.plan;

import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Step;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node as it will run.
 *
 * @param parameters the values known before the run (defaults, pipeline parameters, --param);
 *     values fed by parameter and metadata edges are filled in when upstream nodes finish
 * @param suppliedInputs URIs given for the node's inputs when starting the run
 * @param incoming the edges into this node
 * @param upstream the nodes this node waits for
 */
public record PlannedNode(
    Node node,
    Step step,
    Map<String, ParamValue> parameters,
    Map<String, List<String>> suppliedInputs,
    List<Edge> incoming,
    Set<String> upstream) {
  public PlannedNode {
    parameters = Map.copyOf(parameters);
    suppliedInputs = Map.copyOf(suppliedInputs);
    incoming = List.copyOf(incoming);
    upstream = Set.copyOf(upstream);
  }

  public String name() {
    return node.name();
  }
}
