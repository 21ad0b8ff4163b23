package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named DAG of nodes joined by edges. A pipeline refers to steps by name; the steps themselves
 * live in the {@link Project} beside it, so one step can serve several nodes and pipelines.
 *
 * @param reuseExecutions whether a node may reuse an earlier execution with the same cache key
 */
public record Pipeline(
    String name,
    List<Node> nodes,
    List<Edge> edges,
    List<PipelineParameter> parameters,
    boolean reuseExecutions,
    Map<String, Object> extensions) {

  public Pipeline {
    checkArgument(name != null && !name.isEmpty(), "a pipeline needs a name");
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    parameters = List.copyOf(parameters);
    extensions = Extensions.copyOf(extensions);
  }

  public Optional<Node> node(String nodeName) {
    return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
  }

  /** The edges that end at the given node. */
  public List<Edge> edgesInto(String nodeName) {
    return edges.stream().filter(e -> e.target().node().equals(nodeName)).toList();
  }

  /** The edges that start at the given node. */
  public List<Edge> edgesFrom(String nodeName) {
    return edges.stream().filter(e -> e.source().node().equals(nodeName)).toList();
  }
}
