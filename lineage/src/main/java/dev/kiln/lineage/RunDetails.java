package dev.kiln.lineage;

import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link RunDetail} with one query per table (joined on the run id), not one per node, so a
 * run with thousands of nodes costs the same handful of round trips as a run with two.
 */
final class RunDetails {
  private RunDetails() {}

  private static final String OF_RUN =
      " JOIN executions e ON e.id = t.execution_id WHERE e.run_id = ?";
  private static final String OF_EXECUTION =
      " JOIN executions e ON e.id = t.execution_id WHERE e.id = ?";

  static RunDetail read(Connection c, RunRecord run, boolean allMetadata) throws SQLException {
    return read(c, run, LineageStore.selectExecutions(c, run.id(), Set.of()), OF_RUN, run.id(),
        allMetadata);
  }

  /** One execution's detail, with the same few queries narrowed to it. */
  static ExecutionDetail readOne(
      Connection c, RunRecord run, ExecutionRecord execution, boolean allMetadata)
      throws SQLException {
    return read(c, run, List.of(execution), OF_EXECUTION, execution.id(), allMetadata)
        .executions()
        .get(0);
  }

  private static RunDetail read(
      Connection c,
      RunRecord run,
      List<ExecutionRecord> executions,
      String scope,
      String key,
      boolean allMetadata)
      throws SQLException {
    Map<String, List<ParameterValue>> parameters =
        grouped(
            c,
            "SELECT t.execution_id, t.name, t.value_json, t.param_type FROM parameters t"
                + scope
                + " ORDER BY t.execution_id, t.name",
            key,
            Rows::parameter);
    Map<String, List<InputFile>> inputs =
        grouped(
            c,
            "SELECT t.execution_id, t.input_name, t.uri, t.file_name, t.size_bytes, t.sha256,"
                + " t.producing_execution_id, t.datum_id FROM inputs t"
                + scope
                + " ORDER BY t.id",
            key,
            Rows::input);
    Map<String, List<OutputFile>> outputs =
        grouped(
            c,
            "SELECT t.execution_id, t.output_path, t.size_bytes, t.sha256, t.datum_id"
                + " FROM outputs t"
                + scope
                + " ORDER BY t.execution_id, t.output_path",
            key,
            Rows::output);
    Map<String, List<String>> reusedFrom =
        grouped(
            c,
            "SELECT t.execution_id, t.reused_from_execution_id FROM reuse_links t" + scope,
            key,
            rs -> rs.getString("reused_from_execution_id"));
    Map<String, Long> counts = new HashMap<>();
    Map<String, MetadataEntry> latest = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT m.execution_id, x.cnt, m.seq, m.logged_at, m.json_text, m.metric_step,"
                + " m.metric_epoch FROM metadata m JOIN (SELECT t.execution_id,"
                + " COUNT(*) AS cnt, MAX(t.seq) AS max_seq FROM metadata t"
                + scope
                + " GROUP BY t.execution_id) x"
                + " ON m.execution_id = x.execution_id AND m.seq = x.max_seq")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString("execution_id");
          counts.put(id, rs.getLong("cnt"));
          latest.put(id, Rows.metadata(rs));
        }
      }
    }
    Map<String, List<MetadataEntry>> metadata =
        allMetadata
            ? grouped(
                c,
                "SELECT t.execution_id, t.seq, t.logged_at, t.json_text, t.metric_step,"
                    + " t.metric_epoch FROM metadata t"
                    + scope
                    + " ORDER BY t.execution_id, t.seq",
                key,
                Rows::metadata)
            : Map.of();

    List<ExecutionDetail> details = new ArrayList<>(executions.size());
    for (ExecutionRecord execution : executions) {
      String id = execution.id();
      List<String> from = reusedFrom.getOrDefault(id, List.of());
      details.add(
          new ExecutionDetail(
              execution,
              parameters.getOrDefault(id, List.of()),
              inputs.getOrDefault(id, List.of()),
              outputs.getOrDefault(id, List.of()),
              from.isEmpty() ? null : from.get(0),
              counts.getOrDefault(id, 0L),
              latest.get(id),
              metadata.getOrDefault(id, List.of())));
    }
    return new RunDetail(run, details);
  }

  private static <T> Map<String, List<T>> grouped(
      Connection c, String sql, String key, LineageStore.RowMapper<T> mapper)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, key);
      return LineageStore.byExecution(ps, mapper);
    }
  }
}
