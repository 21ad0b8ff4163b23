package dev.kiln.lineage;

import dev.kiln.lineage.model.Direction;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.LineageEdge;
import dev.kiln.lineage.model.LineageGraph;
import dev.kiln.lineage.model.LineageNode;
import dev.kiln.lineage.model.LineageNode.ArtifactNode;
import dev.kiln.lineage.model.LineageNode.ExecutionNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A breadth-first walk over the bipartite graph of artifacts and executions. One hop is one level
 * of executions: UP from an artifact reaches its producers and their inputs; DOWN reaches its
 * readers and their outputs. An input with a sha256 has a datum id, so it meets the outputs that
 * wrote the same bytes; an input that names its producing execution is linked to it even when it
 * was never hashed.
 */
final class LineageQuery {
  private static final String EXECUTION_NODE_COLUMNS =
      "e.id AS execution_id, e.run_id, r.pipeline, e.node_name, e.step_name, e.status";

  private final Connection c;
  private final Map<String, LineageNode> nodes = new LinkedHashMap<>();
  private final Set<LineageEdge> edges = new LinkedHashSet<>();

  /** Producers named by input rows, for artifacts reached through such rows. */
  private final Map<String, Set<String>> namedProducers = new LinkedHashMap<>();

  private LineageQuery(Connection c) {
    this.c = c;
  }

  static LineageGraph trace(Connection c, String datumId, Direction direction, int hops)
      throws SQLException {
    LineageQuery query = new LineageQuery(c);
    ArtifactNode root = query.rootArtifact(datumId);
    query.nodes.put(root.id(), root);
    List<String> frontier = List.of(root.id());
    for (int hop = 0; hop < hops && !frontier.isEmpty(); hop++) {
      frontier = direction == Direction.UP ? query.stepUp(frontier) : query.stepDown(frontier);
    }
    return new LineageGraph(
        root.id(),
        direction,
        hops,
        new ArrayList<>(query.nodes.values()),
        new ArrayList<>(query.edges));
  }

  private ArtifactNode rootArtifact(String datumId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT o.sha256, o.size_bytes, o.output_path FROM outputs o WHERE o.datum_id = ?"
                + " ORDER BY o.execution_id LIMIT 1")) {
      ps.setString(1, datumId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return new ArtifactNode(
              datumId, datumId, rs.getString(1), rs.getLong(2), rs.getString(3));
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT i.sha256, i.size_bytes, i.file_name FROM inputs i WHERE i.datum_id = ?"
                + " ORDER BY i.id LIMIT 1")) {
      ps.setString(1, datumId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long size = rs.getLong(2);
          return new ArtifactNode(
              datumId, datumId, rs.getString(1), rs.wasNull() ? null : size, rs.getString(3));
        }
      }
    }
    throw new NotFoundException(
        "no execution wrote or read " + datumId + " according to the lineage store");
  }

  /** Producers of the frontier's artifacts, then those producers' inputs. */
  private List<String> stepUp(List<String> artifacts) throws SQLException {
    List<String> newExecutions = new ArrayList<>();
    for (String artifact : artifacts) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + EXECUTION_NODE_COLUMNS
                  + ", o.output_path FROM outputs o JOIN executions e ON e.id = o.execution_id"
                  + " JOIN runs r ON r.id = e.run_id WHERE o.datum_id = ?"
                  + " ORDER BY e.created_at, e.id")) {
        ps.setString(1, artifact);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ExecutionNode execution = executionNode(rs);
            edges.add(
                new LineageEdge(
                    execution.id(),
                    artifact,
                    LineageEdge.Kind.OUTPUT,
                    rs.getString("output_path")));
            if (nodes.putIfAbsent(execution.id(), execution) == null) {
              newExecutions.add(execution.executionId());
            }
          }
        }
      }
      for (String producer : namedProducers.getOrDefault(artifact, Set.of())) {
        ExecutionNode execution = executionNode(producer);
        if (edges.stream()
            .noneMatch(e -> e.from().equals(execution.id()) && e.to().equals(artifact))) {
          edges.add(new LineageEdge(execution.id(), artifact, LineageEdge.Kind.OUTPUT, null));
        }
        if (nodes.putIfAbsent(execution.id(), execution) == null) {
          newExecutions.add(execution.executionId());
        }
      }
    }
    List<String> next = new ArrayList<>();
    for (String executionId : newExecutions) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT i.input_name, i.uri, i.file_name, i.size_bytes, i.sha256,"
                  + " i.producing_execution_id, i.datum_id FROM inputs i WHERE i.execution_id = ?"
                  + " ORDER BY i.id")) {
        ps.setString(1, executionId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ArtifactNode artifact = inputArtifact(rs);
            String producer = rs.getString("producing_execution_id");
            if (producer != null) {
              namedProducers
                  .computeIfAbsent(artifact.id(), k -> new LinkedHashSet<>())
                  .add(producer);
            }
            edges.add(
                new LineageEdge(
                    artifact.id(),
                    ExecutionNode.idOf(executionId),
                    LineageEdge.Kind.INPUT,
                    rs.getString("input_name")));
            if (nodes.putIfAbsent(artifact.id(), artifact) == null) {
              next.add(artifact.id());
            }
          }
        }
      }
    }
    return next;
  }

  /** Readers of the frontier's artifacts, then those readers' outputs. */
  private List<String> stepDown(List<String> artifacts) throws SQLException {
    List<String> newExecutions = new ArrayList<>();
    for (String artifact : artifacts) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + EXECUTION_NODE_COLUMNS
                  + ", i.input_name FROM inputs i JOIN executions e ON e.id = i.execution_id"
                  + " JOIN runs r ON r.id = e.run_id WHERE i.datum_id = ?"
                  + " ORDER BY e.created_at, e.id, i.id")) {
        ps.setString(1, artifact);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ExecutionNode execution = executionNode(rs);
            edges.add(
                new LineageEdge(
                    artifact, execution.id(), LineageEdge.Kind.INPUT, rs.getString("input_name")));
            if (nodes.putIfAbsent(execution.id(), execution) == null) {
              newExecutions.add(execution.executionId());
            }
          }
        }
      }
    }
    List<String> next = new ArrayList<>();
    for (String executionId : newExecutions) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT o.output_path, o.size_bytes, o.sha256, o.datum_id FROM outputs o"
                  + " WHERE o.execution_id = ? ORDER BY o.output_path")) {
        ps.setString(1, executionId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String datum = rs.getString("datum_id");
            ArtifactNode artifact =
                new ArtifactNode(
                    datum,
                    datum,
                    rs.getString("sha256"),
                    rs.getLong("size_bytes"),
                    rs.getString("output_path"));
            edges.add(
                new LineageEdge(
                    ExecutionNode.idOf(executionId),
                    datum,
                    LineageEdge.Kind.OUTPUT,
                    artifact.name()));
            if (nodes.putIfAbsent(datum, artifact) == null) {
              next.add(datum);
            }
          }
        }
      }
    }
    return next;
  }

  private static ArtifactNode inputArtifact(ResultSet rs) throws SQLException {
    String datum = rs.getString("datum_id");
    long size = rs.getLong("size_bytes");
    Long boxed = rs.wasNull() ? null : size;
    String id = datum != null ? datum : "uri:" + rs.getString("uri");
    return new ArtifactNode(id, datum, rs.getString("sha256"), boxed, rs.getString("file_name"));
  }

  private static ExecutionNode executionNode(ResultSet rs) throws SQLException {
    String id = rs.getString("execution_id");
    return new ExecutionNode(
        ExecutionNode.idOf(id),
        id,
        rs.getString("run_id"),
        rs.getString("pipeline"),
        rs.getString("node_name"),
        rs.getString("step_name"),
        ExecutionStatus.valueOf(rs.getString("status")));
  }

  private ExecutionNode executionNode(String executionId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + EXECUTION_NODE_COLUMNS
                + " FROM executions e JOIN runs r ON r.id = e.run_id WHERE e.id = ?")) {
      ps.setString(1, executionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw LineageStore.unknownExecution(executionId);
        }
        return executionNode(rs);
      }
    }
  }
}
