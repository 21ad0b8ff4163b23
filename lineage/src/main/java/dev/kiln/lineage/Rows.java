package dev.kiln.lineage;

import dev.kiln.lineage.model.CommitInfo;
import dev.kiln.lineage.model.EventRecord;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.LogStream;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Column lists and row mappers, the one place that knows how records map to tables. */
final class Rows {
  private Rows() {}

  static final String RUN_COLUMNS =
      "r.id, r.pipeline, r.status, r.created_at, r.started_at, r.finished_at, r.source_file,"
          + " r.params_json, r.commit_repo_url, r.commit_ref, r.commit_sha, r.commit_author,"
          + " r.commit_message, r.commit_dirty";

  static final String EXECUTION_COLUMNS =
      "e.id, e.run_id, e.node_name, e.step_name, e.status, e.executor, e.device, e.attempt,"
          + " e.created_at, e.started_at, e.finished_at, e.cache_key, e.exit_code,"
          + " e.error_message, e.parent_id, e.trial";

  static RunRecord run(ResultSet rs) throws SQLException {
    String sha = rs.getString("commit_sha");
    String repo = rs.getString("commit_repo_url");
    String ref = rs.getString("commit_ref");
    boolean dirty = rs.getBoolean("commit_dirty");
    boolean hasCommit = !rs.wasNull() || sha != null || repo != null || ref != null;
    CommitInfo commit =
        hasCommit
            ? new CommitInfo(
                repo,
                ref,
                sha,
                rs.getString("commit_author"),
                rs.getString("commit_message"),
                dirty)
            : null;
    return new RunRecord(
        rs.getString("id"),
        rs.getString("pipeline"),
        RunStatus.valueOf(rs.getString("status")),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("source_file"),
        rs.getString("params_json"),
        commit);
  }

  static ExecutionRecord execution(ResultSet rs) throws SQLException {
    int exitCode = rs.getInt("exit_code");
    Integer exit = rs.wasNull() ? null : exitCode;
    return new ExecutionRecord(
        rs.getString("id"),
        rs.getString("run_id"),
        rs.getString("node_name"),
        rs.getString("step_name"),
        ExecutionStatus.valueOf(rs.getString("status")),
        rs.getString("executor"),
        rs.getString("device"),
        rs.getInt("attempt"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("cache_key"),
        exit,
        rs.getString("error_message"),
        rs.getString("parent_id"),
        rs.getInt("trial"));
  }

  static ParameterValue parameter(ResultSet rs) throws SQLException {
    return new ParameterValue(
        rs.getString("name"), rs.getString("value_json"), rs.getString("param_type"));
  }

  static InputFile input(ResultSet rs) throws SQLException {
    long size = rs.getLong("size_bytes");
    Long boxed = rs.wasNull() ? null : size;
    return new InputFile(
        rs.getString("input_name"),
        rs.getString("uri"),
        rs.getString("file_name"),
        boxed,
        rs.getString("sha256"),
        rs.getString("producing_execution_id"),
        rs.getString("datum_id"));
  }

  static OutputFile output(ResultSet rs) throws SQLException {
    return new OutputFile(
        rs.getString("output_path"),
        rs.getLong("size_bytes"),
        rs.getString("sha256"),
        rs.getString("datum_id"));
  }

  static LogLine logLine(ResultSet rs) throws SQLException {
    return new LogLine(
        rs.getLong("seq"),
        LogStream.valueOf(rs.getString("stream_name")),
        instant(rs, "logged_at"),
        rs.getString("line_text"));
  }

  static MetadataEntry metadata(ResultSet rs) throws SQLException {
    double step = rs.getDouble("metric_step");
    Double stepValue = rs.wasNull() ? null : step;
    double epoch = rs.getDouble("metric_epoch");
    Double epochValue = rs.wasNull() ? null : epoch;
    return new MetadataEntry(
        rs.getLong("seq"),
        instant(rs, "logged_at"),
        rs.getString("json_text"),
        stepValue,
        epochValue);
  }

  static EventRecord event(ResultSet rs) throws SQLException {
    return new EventRecord(
        rs.getLong("id"),
        rs.getString("run_id"),
        rs.getString("execution_id"),
        rs.getString("node_name"),
        rs.getString("event_type"),
        rs.getString("from_status"),
        rs.getString("to_status"),
        instant(rs, "happened_at"),
        rs.getString("detail"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
    if (instant == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
  }

  static void setString(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  static void setInteger(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.DOUBLE);
    } else {
      ps.setDouble(index, value);
    }
  }
}
