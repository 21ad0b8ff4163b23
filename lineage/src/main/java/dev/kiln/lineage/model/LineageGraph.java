package dev.kiln.lineage.model;

import java.util.List;
import java.util.Optional;

/**
 * The answer to a lineage query: nodes and edges reached from {@code rootId} within {@code hops}
 * executions in {@code direction}. Nodes are in the order they were reached (root first).
 */
public record LineageGraph(
    String rootId,
    Direction direction,
    int hops,
    List<LineageNode> nodes,
    List<LineageEdge> edges) {
  public LineageGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  public Optional<LineageNode> node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }

  /** The executions in the graph, in the order they were reached. */
  public List<LineageNode.ExecutionNode> executions() {
    return nodes.stream()
        .filter(LineageNode.ExecutionNode.class::isInstance)
        .map(LineageNode.ExecutionNode.class::cast)
        .toList();
  }

  public String toJson() {
    return JsonSupport.toJson(this);
  }
}
