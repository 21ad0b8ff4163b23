package dev.kiln.lineage;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.util.concurrent.Striped;
import dev.kiln.lineage.artifact.ArtifactStore;
import dev.kiln.lineage.artifact.S3Storage;
import dev.kiln.lineage.model.CommitInfo;
import dev.kiln.lineage.model.Direction;
import dev.kiln.lineage.model.EventRecord;
import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.ExecutionUpdate;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.JsonSupport;
import dev.kiln.lineage.model.LineageGraph;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewLogLine;
import dev.kiln.lineage.model.NewMetadata;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.Page;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunQuery;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;

/**
 * The record of every run, on JDBC. Every method is one database transaction: a state change and
 * its audit event are written together or not at all, and a transition re-checks the current state
 * inside the transaction ({@code UPDATE … WHERE id = ? AND status = ?}), so two orchestrators
 * cannot both move the same execution and a crashed one leaves a consistent record to resume from
 * ({@link #unfinishedRuns()}, {@link #markInterrupted(String)}).
 *
 * <p>Connections come from a small pool of the store's own ({@link StoreConfig#poolSize()}); one
 * stays open for the store's lifetime. Thread-safe.
 *
 * <p>Ids of runs and executions are random UUIDs made here, so records from many machines can meet
 * in one PostgreSQL store.
 */
public final class LineageStore implements AutoCloseable {
  /** Log lines longer than this are cut (with a note), so one runaway line cannot fail a write. */
  public static final int MAX_LOG_LINE_CHARS = 64 * 1024;

  private static final int MAX_HOPS = 100;

  private final StoreConfig config;
  private final ConnectionPool pool;
  private final ArtifactStore artifacts;
  private final Striped<Lock> appendLocks = Striped.lock(64);

  private LineageStore(StoreConfig config, ConnectionPool pool) {
    this.config = config;
    this.pool = pool;
    this.artifacts =
        config.hasS3Artifacts()
            ? ArtifactStore.inS3(
                config.artifactsDir(),
                config.s3Artifacts(),
                S3Storage.open(config.s3Settings()))
            : new ArtifactStore(config.artifactsDir());
  }

  /**
   * Opens (creating when needed) the store and migrates its schema to this version of Kiln.
   *
   * @throws LineageStoreException when the database cannot be opened, naming the file or URL and
   *     what to do
   */
  public static LineageStore open(StoreConfig config) {
    return new LineageStore(config, DatabaseOpener.open(config));
  }

  public StoreConfig config() {
    return config;
  }

  /** The content-addressed store for this KILN_HOME's files (or for KILN_ARTIFACTS in S3). */
  public ArtifactStore artifacts() {
    return artifacts;
  }

  // ---------------------------------------------------------------- runs

  /** Creates a run in state CREATED. */
  public RunRecord createRun(NewRun newRun) {
    String id = UUID.randomUUID().toString();
    Instant now = now();
    return tx(
        "create a run of pipeline \"" + newRun.pipeline() + "\"",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO runs (id, pipeline, status, created_at, source_file, params_json,"
                      + " commit_repo_url, commit_ref, commit_sha, commit_author, commit_message,"
                      + " commit_dirty) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            CommitInfo commit = newRun.commit();
            ps.setString(1, id);
            ps.setString(2, newRun.pipeline());
            ps.setString(3, RunStatus.CREATED.name());
            Rows.setInstant(ps, 4, now);
            Rows.setString(ps, 5, newRun.sourceFile());
            ps.setString(6, newRun.paramsJson());
            Rows.setString(ps, 7, commit == null ? null : commit.repoUrl());
            Rows.setString(ps, 8, commit == null ? null : commit.ref());
            Rows.setString(ps, 9, commit == null ? null : commit.sha());
            Rows.setString(ps, 10, commit == null ? null : commit.author());
            Rows.setString(ps, 11, commit == null ? null : commit.message());
            if (commit == null) {
              ps.setNull(12, Types.BOOLEAN);
            } else {
              ps.setBoolean(12, commit.dirty());
            }
            ps.executeUpdate();
          }
          insertEvent(c, id, null, "CREATE", null, RunStatus.CREATED.name(), now, null);
          return new RunRecord(
              id,
              newRun.pipeline(),
              RunStatus.CREATED,
              now,
              null,
              null,
              newRun.sourceFile(),
              newRun.paramsJson(),
              newRun.commit());
        });
  }

  public Optional<RunRecord> findRun(String runId) {
    return tx("read run " + runId, c -> selectRun(c, runId));
  }

  /** The run; a {@link NotFoundException} when there is none. */
  public RunRecord run(String runId) {
    return findRun(runId).orElseThrow(() -> unknownRun(runId));
  }

  /** Applies {@code event} to the run, or throws {@link IllegalTransitionException}. */
  public RunRecord transitionRun(String runId, RunEvent event) {
    return transitionRun(runId, event, null);
  }

  /** As {@link #transitionRun(String, RunEvent)}; {@code detail} goes to the audit log. */
  public RunRecord transitionRun(String runId, RunEvent event, String detail) {
    return tx(event + " run " + runId, c -> transitionRun(c, runId, event, detail, now()));
  }

  /**
   * Stops the run and, in the same transaction, every execution of it that has not finished; for
   * "kiln stop" and for an orchestrator shutting down on a signal.
   */
  public RunRecord stopRun(String runId, String reason) {
    return tx(
        "stop run " + runId,
        c -> {
          Instant now = now();
          RunRecord stopped = transitionRun(c, runId, RunEvent.STOP, reason, now);
          for (ExecutionRecord execution : selectExecutions(c, runId, Set.of(), true)) {
            if (execution.status().after(ExecutionEvent.STOP).isPresent()) {
              transitionExecution(
                  c, execution, ExecutionEvent.STOP, ExecutionUpdate.failed(null, reason), now);
            }
          }
          return stopped;
        });
  }

  /**
   * Runs an orchestrator should pick up again: CREATED or RUNNING (it died, or is still running
   * elsewhere), oldest first.
   */
  public List<RunRecord> unfinishedRuns() {
    return tx(
        "list unfinished runs",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + Rows.RUN_COLUMNS
                      + " FROM runs r WHERE r.status IN (?, ?) ORDER BY r.created_at, r.id")) {
            ps.setString(1, RunStatus.CREATED.name());
            ps.setString(2, RunStatus.RUNNING.name());
            return list(ps, Rows::run);
          }
        });
  }

  /** A page of runs, newest first, filtered by pipeline and status when the query sets them. */
  public Page<RunRecord> listRuns(RunQuery query) {
    List<String> where = new ArrayList<>();
    List<String> args = new ArrayList<>();
    if (query.pipeline() != null) {
      where.add("r.pipeline = ?");
      args.add(query.pipeline());
    }
    if (query.status() != null) {
      where.add("r.status = ?");
      args.add(query.status().name());
    }
    String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
    return tx(
        "list runs",
        c -> {
          long total;
          try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM runs r" + filter)) {
            for (int i = 0; i < args.size(); i++) {
              ps.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + Rows.RUN_COLUMNS
                      + " FROM runs r"
                      + filter
                      + " ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?")) {
            int i = 0;
            for (; i < args.size(); i++) {
              ps.setString(i + 1, args.get(i));
            }
            ps.setInt(i + 1, query.limit());
            ps.setInt(i + 2, query.offset());
            return new Page<>(list(ps, Rows::run), query.offset(), query.limit(), total);
          }
        });
  }

  /**
   * The runs of {@code pipeline} recorded for commit {@code sha} of the repository {@code
   * repoUrl}, newest first; how a Git watcher knows, across restarts, which commits it already ran.
   */
  public List<RunRecord> runsOfCommit(String pipeline, String repoUrl, String sha) {
    checkArgument(pipeline != null && !pipeline.isBlank(), "pipeline must not be blank");
    checkArgument(repoUrl != null && !repoUrl.isBlank(), "repository URL must not be blank");
    checkArgument(sha != null && !sha.isBlank(), "commit sha must not be blank");
    return tx(
        "list runs of commit " + sha,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + Rows.RUN_COLUMNS
                      + " FROM runs r WHERE r.pipeline = ? AND r.commit_repo_url = ?"
                      + " AND r.commit_sha = ? ORDER BY r.created_at DESC, r.id DESC")) {
            ps.setString(1, pipeline);
            ps.setString(2, repoUrl);
            ps.setString(3, sha);
            return list(ps, Rows::run);
          }
        });
  }

  /**
   * Whether any run of any pipeline recorded commit {@code sha} and did not succeed (created,
   * running, failed or stopped: a run {@code kiln resume} may still need the checkout of).
   */
  public boolean commitHasUnsucceededRun(String sha) {
    checkArgument(sha != null && !sha.isBlank(), "commit sha must not be blank");
    return tx(
        "look for unfinished runs of commit " + sha,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM runs r WHERE r.commit_sha = ? AND r.status <> ?")) {
            ps.setString(1, sha);
            ps.setString(2, RunStatus.SUCCEEDED.name());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1) > 0;
            }
          }
        });
  }

  /** The audit log of a run and its executions, oldest first. */
  public List<EventRecord> events(String runId) {
    return events(runId, 0, Integer.MAX_VALUE);
  }

  /**
   * The run's events with an id above {@code afterEventId}, oldest first, at most {@code limit}:
   * what a live view polls for (pass the last id it saw).
   */
  public List<EventRecord> events(String runId, long afterEventId, int limit) {
    checkArgument(limit >= 1, "limit must be >= 1, got %s", limit);
    return tx(
        "read events of run " + runId,
        c -> {
          requireRun(c, runId);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT v.id, v.run_id, v.execution_id, e.node_name, v.event_type,"
                      + " v.from_status, v.to_status, v.happened_at, v.detail FROM events v"
                      + " LEFT JOIN executions e ON e.id = v.execution_id"
                      + " WHERE v.run_id = ? AND v.id > ? ORDER BY v.id")) {
            ps.setString(1, runId);
            ps.setLong(2, afterEventId);
            ps.setMaxRows(limit);
            return list(ps, Rows::event);
          }
        });
  }

  // ---------------------------------------------------------------- executions

  /** Adds a node to a run that has not finished; node names are unique in a run. */
  public ExecutionRecord createExecution(NewExecution spec) {
    String id = UUID.randomUUID().toString();
    Instant now = now();
    return tx(
        "create node \"" + spec.nodeName() + "\" in run " + spec.runId(),
        c -> {
          RunRecord run = requireRun(c, spec.runId());
          if (run.status().isFinished()) {
            throw new IllegalTransitionException(
                run.id(),
                spec.nodeName(),
                "CREATE",
                run.status().name(),
                "run "
                    + run.id()
                    + " is "
                    + run.status()
                    + ": cannot add node \""
                    + spec.nodeName()
                    + "\" to a finished run; resume it first");
          }
          if (spec.trial() == 0 && selectExecution(c, spec.runId(), spec.nodeName()).isPresent()) {
            throw new LineageStoreException(
                "run " + run.id() + " already has a node named \"" + spec.nodeName() + "\"");
          }
          if (spec.trial() > 0) {
            ExecutionRecord task = requireExecution(c, spec.parentId());
            if (task.isTrial()
                || !task.runId().equals(spec.runId())
                || !task.nodeName().equals(spec.nodeName())) {
              throw new LineageStoreException(
                  "execution " + task.id() + " (node \"" + task.nodeName() + "\" of run "
                      + task.runId() + ") is not the task execution of node \""
                      + spec.nodeName() + "\" of run " + spec.runId());
            }
            if (selectTrial(c, spec.parentId(), spec.trial()).isPresent()) {
              throw new LineageStoreException(
                  "node \"" + spec.nodeName() + "\" of run " + run.id() + " already has trial "
                      + spec.trial());
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO executions (id, run_id, node_name, step_name, status, executor,"
                      + " attempt, created_at, cache_key, parent_id, trial)"
                      + " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, spec.runId());
            ps.setString(3, spec.nodeName());
            ps.setString(4, spec.stepName());
            ps.setString(5, ExecutionStatus.CREATED.name());
            Rows.setString(ps, 6, spec.executor());
            Rows.setInstant(ps, 7, now);
            Rows.setString(ps, 8, spec.cacheKey());
            Rows.setString(ps, 9, spec.parentId());
            ps.setInt(10, spec.trial());
            ps.executeUpdate();
          }
          insertEvent(
              c, spec.runId(), id, "CREATE", null, ExecutionStatus.CREATED.name(), now, null);
          return new ExecutionRecord(
              id,
              spec.runId(),
              spec.nodeName(),
              spec.stepName(),
              ExecutionStatus.CREATED,
              spec.executor(),
              null,
              0,
              now,
              null,
              null,
              spec.cacheKey(),
              null,
              null,
              spec.parentId(),
              spec.trial());
        });
  }

  public Optional<ExecutionRecord> findExecution(String executionId) {
    return tx("read execution " + executionId, c -> selectExecution(c, executionId));
  }

  /** The execution; a {@link NotFoundException} when there is none. */
  public ExecutionRecord execution(String executionId) {
    return findExecution(executionId).orElseThrow(() -> unknownExecution(executionId));
  }

  public Optional<ExecutionRecord> findExecution(String runId, String nodeName) {
    return tx(
        "read node \"" + nodeName + "\" of run " + runId, c -> selectExecution(c, runId, nodeName));
  }

  /**
   * The executions of a run whose status is in {@code statuses} (all of them when empty), by
   * creation time, then node name.
   */
  public List<ExecutionRecord> executions(String runId, Set<ExecutionStatus> statuses) {
    return tx(
        "list executions of run " + runId,
        c -> {
          requireRun(c, runId);
          return selectExecutions(c, runId, statuses);
        });
  }

  /** The trials of a task node's execution, by trial number; empty for any other execution. */
  public List<ExecutionRecord> trials(String taskExecutionId) {
    return tx(
        "list trials of execution " + taskExecutionId,
        c -> {
          requireExecution(c, taskExecutionId);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + Rows.EXECUTION_COLUMNS
                      + " FROM executions e WHERE e.parent_id = ? ORDER BY e.trial")) {
            ps.setString(1, taskExecutionId);
            return list(ps, Rows::execution);
          }
        });
  }

  /**
   * Records what a task execution searches (the tuning spec as JSON); written once, before its
   * first trial, so that a resumed job searches the same space.
   */
  public void recordTuningSpec(String taskExecutionId, String specJson) {
    tx(
        "record the tuning spec of execution " + taskExecutionId,
        c -> {
          ExecutionRecord task = requireExecution(c, taskExecutionId);
          if (task.isTrial()) {
            throw new LineageStoreException(
                "execution " + task.id() + " is a trial; a tuning spec belongs to its task");
          }
          if (selectTuningSpec(c, taskExecutionId).isPresent()) {
            throw new LineageStoreException(
                "execution " + task.id() + " already has a tuning spec; it is written once");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO tuning_jobs (execution_id, spec_json) VALUES (?, ?)")) {
            ps.setString(1, taskExecutionId);
            ps.setString(2, specJson);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** The tuning spec recorded for a task execution, if it is one. */
  public Optional<String> tuningSpec(String taskExecutionId) {
    return tx("read the tuning spec of " + taskExecutionId, c -> selectTuningSpec(c, taskExecutionId));
  }

  private static Optional<String> selectTuningSpec(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT spec_json FROM tuning_jobs WHERE execution_id = ?")) {
      ps.setString(1, id);
      return first(ps, rs -> rs.getString(1));
    }
  }

  /** Records which trial of the task execution is the best so far (its outputs go on). */
  public void recordBestTrial(String taskExecutionId, String trialExecutionId) {
    tx(
        "record the best trial of " + taskExecutionId,
        c -> {
          ExecutionRecord trial = requireExecution(c, trialExecutionId);
          if (!taskExecutionId.equals(trial.parentId())) {
            throw new LineageStoreException(
                "execution " + trialExecutionId + " is not a trial of " + taskExecutionId);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE tuning_jobs SET best_execution_id = ? WHERE execution_id = ?")) {
            ps.setString(1, trialExecutionId);
            ps.setString(2, taskExecutionId);
            if (ps.executeUpdate() != 1) {
              throw new LineageStoreException(
                  "execution " + taskExecutionId + " has no tuning spec; record it first");
            }
          }
          return null;
        });
  }

  /** The best trial recorded for a task execution, if any. */
  public Optional<String> bestTrial(String taskExecutionId) {
    return tx(
        "read the best trial of " + taskExecutionId,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT best_execution_id FROM tuning_jobs WHERE execution_id = ?")) {
            ps.setString(1, taskExecutionId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /**
   * The executions of a run that are tuning jobs (have a tuning spec), in one query, so a view of
   * a run with many nodes can mark its task nodes without asking about each.
   */
  public Set<String> tuningExecutions(String runId) {
    return tx(
        "list the tuning jobs of run " + runId,
        c -> {
          requireRun(c, runId);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT t.execution_id FROM tuning_jobs t JOIN executions e"
                      + " ON e.id = t.execution_id WHERE e.run_id = ?")) {
            ps.setString(1, runId);
            return Set.copyOf(list(ps, rs -> rs.getString(1)));
          }
        });
  }

  /**
   * The most recently finished SUCCEEDED execution with this cache key, whose outputs a new
   * execution may reuse.
   */
  public Optional<ExecutionRecord> findReusable(String cacheKey) {
    return tx(
        "look up cache key " + cacheKey,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + Rows.EXECUTION_COLUMNS
                      + " FROM executions e WHERE e.cache_key = ? AND e.status = ?"
                      + " ORDER BY e.finished_at DESC, e.id LIMIT 1")) {
            ps.setString(1, cacheKey);
            ps.setString(2, ExecutionStatus.SUCCEEDED.name());
            return first(ps, Rows::execution);
          }
        });
  }

  /**
   * Applies {@code event} to the execution with the facts in {@code update}, or throws {@link
   * IllegalTransitionException}. START counts an attempt and clears the previous attempt's exit
   * code and error; a finishing event stamps the finish time.
   */
  public ExecutionRecord transitionExecution(
      String executionId, ExecutionEvent event, ExecutionUpdate update) {
    return tx(
        event + " execution " + executionId,
        c -> transitionExecution(c, requireExecution(c, executionId), event, update, now()));
  }

  public ExecutionRecord queue(String executionId) {
    return transitionExecution(executionId, ExecutionEvent.QUEUE, ExecutionUpdate.NONE);
  }

  /** Started by {@code executor} on {@code device} (e.g. "cpu", "cuda:0"; null if unknown). */
  public ExecutionRecord start(String executionId, String executor, String device) {
    return transitionExecution(
        executionId, ExecutionEvent.START, ExecutionUpdate.started(executor, device));
  }

  public ExecutionRecord succeed(String executionId, Integer exitCode) {
    return transitionExecution(
        executionId, ExecutionEvent.SUCCEED, ExecutionUpdate.exited(exitCode));
  }

  public ExecutionRecord fail(String executionId, Integer exitCode, String errorMessage) {
    return transitionExecution(
        executionId, ExecutionEvent.FAIL, ExecutionUpdate.failed(exitCode, errorMessage));
  }

  public ExecutionRecord skip(String executionId, String reason) {
    return transitionExecution(
        executionId, ExecutionEvent.SKIP, ExecutionUpdate.failed(null, reason));
  }

  /**
   * Marks the execution REUSED from {@code fromExecutionId} (SUCCEEDED or REUSED itself), records
   * the reuse link and copies that execution's output records, so downstream wiring and lineage see
   * the reused outputs as this node's. One transaction.
   */
  public ExecutionRecord markReused(String executionId, String fromExecutionId) {
    return tx(
        "reuse execution " + fromExecutionId + " for " + executionId,
        c -> {
          ExecutionRecord execution = requireExecution(c, executionId);
          ExecutionRecord from = requireExecution(c, fromExecutionId);
          if (!from.status().hasUsableOutputs()) {
            throw new LineageStoreException(
                IllegalTransitionException.where(execution)
                    + ": cannot reuse execution "
                    + from.id()
                    + " (node \""
                    + from.nodeName()
                    + "\" of run "
                    + from.runId()
                    + "), it is "
                    + from.status()
                    + "; only SUCCEEDED or REUSED executions can be reused");
          }
          Instant now = now();
          ExecutionRecord reused =
              transitionExecution(
                  c,
                  execution,
                  ExecutionEvent.REUSE,
                  ExecutionUpdate.NONE.withCacheKey(from.cacheKey()),
                  now);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO reuse_links (execution_id, reused_from_execution_id, created_at)"
                      + " VALUES (?, ?, ?)")) {
            ps.setString(1, executionId);
            ps.setString(2, fromExecutionId);
            Rows.setInstant(ps, 3, now);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO outputs (execution_id, output_path, size_bytes, sha256, datum_id)"
                      + " SELECT ?, output_path, size_bytes, sha256, datum_id FROM outputs"
                      + " WHERE execution_id = ?")) {
            ps.setString(1, executionId);
            ps.setString(2, fromExecutionId);
            ps.executeUpdate();
          }
          return reused;
        });
  }

  /**
   * For resuming after an orchestrator crash: puts every RUNNING execution of the run back to
   * QUEUED (event INTERRUPT) in one transaction and returns them as they are now. Their partial
   * logs and metadata stay; the next START counts a new attempt.
   */
  public List<ExecutionRecord> markInterrupted(String runId) {
    return tx(
        "mark interrupted executions of run " + runId,
        c -> {
          requireRun(c, runId);
          Instant now = now();
          List<ExecutionRecord> reset = new ArrayList<>();
          for (ExecutionRecord running :
              selectExecutions(c, runId, Set.of(ExecutionStatus.RUNNING), true)) {
            reset.add(
                transitionExecution(
                    c,
                    running,
                    ExecutionEvent.INTERRUPT,
                    ExecutionUpdate.NONE,
                    now,
                    "orchestrator stopped during attempt " + running.attempt()));
          }
          return reset;
        });
  }

  /**
   * Records the process group the execution's step runs in (its leader's pid), when its process
   * starts; {@code kiln resume} kills a group that outlived a crashed orchestrator.
   */
  public void recordProcessGroup(String executionId, long processGroup) {
    tx(
        "record the process group of execution " + executionId,
        c -> {
          requireExecution(c, executionId);
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE executions SET process_group = ? WHERE id = ?")) {
            ps.setLong(1, processGroup);
            ps.setString(2, executionId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** The process group last recorded for the execution, if any. */
  public OptionalLong processGroup(String executionId) {
    return tx(
        "read the process group of execution " + executionId,
        c -> {
          requireExecution(c, executionId);
          try (PreparedStatement ps =
              c.prepareStatement("SELECT process_group FROM executions WHERE id = ?")) {
            ps.setString(1, executionId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              long g = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(g);
            }
          }
        });
  }

  // ---------------------------------------------------------------- what an execution used and
  // made

  /** Records the parameter values an execution runs with; each name once. */
  /**
   * Forgets the parameters, inputs and outputs an earlier attempt of a queued execution recorded,
   * so a retry (or the re-run of an interrupted execution) records its own. Log lines and metadata
   * are kept: they are the history of every attempt.
   */
  public void clearAttempt(String executionId) {
    tx(
        "clear the earlier attempt of execution " + executionId,
        c -> {
          ExecutionRecord execution = requireExecution(c, executionId);
          if (execution.status() != ExecutionStatus.QUEUED
              && execution.status() != ExecutionStatus.CREATED) {
            throw new LineageStoreException(
                IllegalTransitionException.where(execution)
                    + ": only a queued execution's earlier attempt can be cleared; it is "
                    + execution.status());
          }
          for (String table : List.of("parameters", "inputs", "outputs")) {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM " + table + " WHERE execution_id = ?")) {
              ps.setString(1, executionId);
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  public void recordParameters(String executionId, List<ParameterValue> parameters) {
    tx(
        "record parameters of execution " + executionId,
        c -> {
          ExecutionRecord execution = requireExecution(c, executionId);
          Set<String> known = new HashSet<>();
          try (PreparedStatement ps =
              c.prepareStatement("SELECT name FROM parameters WHERE execution_id = ?")) {
            ps.setString(1, executionId);
            known.addAll(list(ps, rs -> rs.getString(1)));
          }
          for (ParameterValue p : parameters) {
            if (!known.add(p.name())) {
              throw new LineageStoreException(
                  IllegalTransitionException.where(execution)
                      + ": parameter \""
                      + p.name()
                      + "\" is recorded twice");
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO parameters (execution_id, name, value_json, param_type)"
                      + " VALUES (?, ?, ?, ?)")) {
            for (ParameterValue p : parameters) {
              ps.setString(1, executionId);
              ps.setString(2, p.name());
              ps.setString(3, p.valueJson());
              ps.setString(4, p.type());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  /**
   * Records the files an execution read. A producing execution id must exist; a missing datum id is
   * derived from the sha256 when there is one.
   */
  public void recordInputs(String executionId, List<InputFile> inputs) {
    tx(
        "record inputs of execution " + executionId,
        c -> {
          ExecutionRecord execution = requireExecution(c, executionId);
          for (InputFile input : inputs) {
            if (input.producingExecutionId() != null
                && selectExecution(c, input.producingExecutionId()).isEmpty()) {
              throw new NotFoundException(
                  IllegalTransitionException.where(execution)
                      + ": input \""
                      + input.inputName()
                      + "\" names producing execution "
                      + input.producingExecutionId()
                      + ", which the store does not know");
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO inputs (execution_id, input_name, uri, file_name, size_bytes,"
                      + " sha256, producing_execution_id, datum_id) VALUES (?, ?, ?, ?, ?, ?,"
                      + " ?, ?)")) {
            for (InputFile input : inputs) {
              ps.setString(1, executionId);
              ps.setString(2, input.inputName());
              ps.setString(3, input.uri());
              ps.setString(4, input.fileName());
              Rows.setLong(ps, 5, input.size());
              Rows.setString(ps, 6, input.sha256());
              Rows.setString(ps, 7, input.producingExecutionId());
              Rows.setString(ps, 8, datumOf(input));
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  /** Records the files an execution left under outputs/; each path once. */
  public void recordOutputs(String executionId, List<OutputFile> outputs) {
    tx(
        "record outputs of execution " + executionId,
        c -> {
          ExecutionRecord execution = requireExecution(c, executionId);
          Set<String> known = new HashSet<>();
          try (PreparedStatement ps =
              c.prepareStatement("SELECT output_path FROM outputs WHERE execution_id = ?")) {
            ps.setString(1, executionId);
            known.addAll(list(ps, rs -> rs.getString(1)));
          }
          for (OutputFile o : outputs) {
            if (!known.add(o.path())) {
              throw new LineageStoreException(
                  IllegalTransitionException.where(execution)
                      + ": output '"
                      + o.path()
                      + "' is recorded twice");
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO outputs (execution_id, output_path, size_bytes, sha256, datum_id)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            for (OutputFile o : outputs) {
              ps.setString(1, executionId);
              ps.setString(2, o.path());
              ps.setLong(3, o.size());
              ps.setString(4, o.sha256());
              ps.setString(5, o.datumId());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  /**
   * Appends log lines in one batch and returns the sequence number of the last one (0 when none
   * exist). Lines longer than {@value #MAX_LOG_LINE_CHARS} characters are cut.
   */
  public long appendLogs(String executionId, List<NewLogLine> lines) {
    Lock lock = appendLocks.get(executionId);
    lock.lock();
    try {
      return tx(
          "append log lines of execution " + executionId,
          c -> {
            requireExecution(c, executionId);
            long seq = maxSeq(c, "log_lines", executionId);
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO log_lines (execution_id, seq, stream_name, logged_at, line_text)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
              for (NewLogLine line : lines) {
                ps.setString(1, executionId);
                ps.setLong(2, ++seq);
                ps.setString(3, line.stream().name());
                Rows.setInstant(ps, 4, micros(line.time()));
                ps.setString(5, cut(line.text()));
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return seq;
          });
    } finally {
      lock.unlock();
    }
  }

  /** Log lines with sequence number above {@code afterSeq}, at most {@code limit}, in order. */
  public List<LogLine> logLines(String executionId, long afterSeq, int limit) {
    checkArgument(limit >= 1 && limit <= 100_000, "limit must be 1..100000, got %s", limit);
    return tx(
        "read log lines of execution " + executionId,
        c -> {
          requireExecution(c, executionId);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, stream_name, logged_at, line_text FROM log_lines"
                      + " WHERE execution_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, executionId);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            return list(ps, Rows::logLine);
          }
        });
  }

  /**
   * Appends metadata entries in one batch and returns the sequence number of the last one. Numeric
   * {@code step} and {@code epoch} fields are kept in their own columns for charts.
   */
  public long appendMetadata(String executionId, List<NewMetadata> entries) {
    Lock lock = appendLocks.get(executionId);
    lock.lock();
    try {
      return tx(
          "append metadata of execution " + executionId,
          c -> {
            requireExecution(c, executionId);
            long seq = maxSeq(c, "metadata", executionId);
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO metadata (execution_id, seq, logged_at, json_text, metric_step,"
                        + " metric_epoch) VALUES (?, ?, ?, ?, ?, ?)")) {
              for (NewMetadata entry : entries) {
                JsonNode json = JsonSupport.parseObject(entry.json(), "metadata entry");
                ps.setString(1, executionId);
                ps.setLong(2, ++seq);
                Rows.setInstant(ps, 3, micros(entry.time()));
                ps.setString(4, entry.json());
                Rows.setDouble(ps, 5, number(json, "step"));
                Rows.setDouble(ps, 6, number(json, "epoch"));
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return seq;
          });
    } finally {
      lock.unlock();
    }
  }

  /** Metadata entries with sequence number above {@code afterSeq}, at most {@code limit}. */
  public List<MetadataEntry> metadata(String executionId, long afterSeq, int limit) {
    checkArgument(limit >= 1 && limit <= 100_000, "limit must be 1..100000, got %s", limit);
    return tx(
        "read metadata of execution " + executionId,
        c -> {
          requireExecution(c, executionId);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, logged_at, json_text, metric_step, metric_epoch FROM metadata"
                      + " WHERE execution_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, executionId);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            return list(ps, Rows::metadata);
          }
        });
  }

  // ---------------------------------------------------------------- queries

  /**
   * Everything about a run, read in one transaction (a consistent snapshot) with a fixed number of
   * queries however many nodes it has. Metadata is summarised (count and latest entry per node);
   * use {@link #runDetail(String, boolean)} or {@link #metadata} for every entry.
   */
  public RunDetail runDetail(String runId) {
    return runDetail(runId, false);
  }

  /** As {@link #runDetail(String)}, with every metadata entry when {@code allMetadata}. */
  public RunDetail runDetail(String runId, boolean allMetadata) {
    return tx("read run " + runId, c -> RunDetails.read(c, requireRun(c, runId), allMetadata));
  }

  /** One execution with its parameters, inputs, outputs, reuse link and latest metadata. */
  public ExecutionDetail executionDetail(String executionId) {
    return tx(
        "read execution " + executionId,
        c -> {
          ExecutionRecord e = requireExecution(c, executionId);
          return RunDetails.readOne(c, requireRun(c, e.runId()), e, false);
        });
  }

  /**
   * The lineage of a datum: with {@link Direction#UP}, the executions that produced it, their
   * inputs, those inputs' producers, and so on, {@code hops} executions deep ("how was this model
   * made"); with {@link Direction#DOWN}, the executions that read it, their outputs, and who read
   * those ("what used this data"). {@code datumId} may also be a bare sha256.
   */
  public LineageGraph lineage(String datumId, Direction direction, int hops) {
    checkArgument(hops >= 1 && hops <= MAX_HOPS, "hops must be 1..%s, got %s", MAX_HOPS, hops);
    String datum =
        datumId != null && datumId.matches("[0-9a-f]{64}")
            ? ArtifactStore.datumIdOf(datumId)
            : datumId;
    checkArgument(datum != null && !datum.isBlank(), "datum id must not be blank");
    return tx("trace lineage of " + datum, c -> LineageQuery.trace(c, datum, direction, hops));
  }

  /** Closes the store's connections; an embedded database is closed with the last one. */
  @Override
  public void close() {
    try {
      artifacts.close();
      pool.close();
    } catch (SQLException e) {
      throw new LineageStoreException(
          "cannot close the lineage " + config.describeDatabase() + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- implementation

  /** One unit of work on a connection inside a transaction. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Maps the current row. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> T tx(String what, SqlWork<T> work) {
    Connection connection;
    try {
      connection = pool.borrow();
    } catch (SQLException e) {
      throw DatabaseOpener.explain(config, e);
    }
    boolean broken = false;
    RuntimeException failure = null;
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException e) {
      broken = rollback(connection, e) || isConnectionFailure(e);
      failure =
          new LineageStoreException(
              "lineage store ("
                  + config.describeDatabase()
                  + "): cannot "
                  + what
                  + ": "
                  + e.getMessage(),
              e);
      throw failure;
    } catch (RuntimeException e) {
      broken = rollback(connection, e);
      failure = e;
      throw e;
    } finally {
      try {
        pool.release(connection, broken);
      } catch (SQLException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else {
          throw new LineageStoreException(
              "lineage store ("
                  + config.describeDatabase()
                  + "): could not close a connection after "
                  + what
                  + " (which was committed): "
                  + e.getMessage(),
              e);
        }
      }
    }
  }

  /** Rolls back; true when that failed too and the connection should not be reused. */
  private static boolean rollback(Connection connection, Throwable failure) {
    try {
      connection.rollback();
      return false;
    } catch (SQLException e) {
      failure.addSuppressed(e);
      return true;
    }
  }

  private static boolean isConnectionFailure(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  private Instant now() {
    return micros(config.clock().instant());
  }

  /**
   * Both databases keep microseconds; truncating here makes what is read equal what was written.
   */
  private static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  private RunRecord transitionRun(
      Connection c, String runId, RunEvent event, String detail, Instant now) throws SQLException {
    RunRecord run = requireRun(c, runId);
    RunStatus next =
        run.status().after(event).orElseThrow(() -> IllegalTransitionException.ofRun(run, event));
    Instant startedAt =
        run.startedAt() == null && next == RunStatus.RUNNING ? now : run.startedAt();
    Instant finishedAt = next.isFinished() ? now : null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET status = ?, started_at = ?, finished_at = ? WHERE id = ? AND status ="
                + " ?")) {
      ps.setString(1, next.name());
      Rows.setInstant(ps, 2, startedAt);
      Rows.setInstant(ps, 3, finishedAt);
      ps.setString(4, runId);
      ps.setString(5, run.status().name());
      if (ps.executeUpdate() != 1) {
        throw changedMeanwhile("run " + runId, event.name(), run.status().name());
      }
    }
    insertEvent(c, runId, null, event.name(), run.status().name(), next.name(), now, detail);
    return new RunRecord(
        run.id(),
        run.pipeline(),
        next,
        run.createdAt(),
        startedAt,
        finishedAt,
        run.sourceFile(),
        run.paramsJson(),
        run.commit());
  }

  private ExecutionRecord transitionExecution(
      Connection c,
      ExecutionRecord current,
      ExecutionEvent event,
      ExecutionUpdate update,
      Instant now)
      throws SQLException {
    String detail = update.errorMessage() != null ? update.errorMessage() : null;
    if (event == ExecutionEvent.START && update.device() != null) {
      detail = "device " + update.device();
    }
    return transitionExecution(c, current, event, update, now, detail);
  }

  private ExecutionRecord transitionExecution(
      Connection c,
      ExecutionRecord current,
      ExecutionEvent event,
      ExecutionUpdate update,
      Instant now,
      String detail)
      throws SQLException {
    ExecutionStatus next =
        current
            .status()
            .after(event)
            .orElseThrow(() -> IllegalTransitionException.ofExecution(current, event));
    if (event != ExecutionEvent.STOP
        && event != ExecutionEvent.FAIL
        && event != ExecutionEvent.SKIP) {
      RunRecord run = requireRun(c, current.runId());
      if (run.status().isFinished()) {
        throw new IllegalTransitionException(
            run.id(),
            current.nodeName(),
            event.name(),
            current.status().name(),
            IllegalTransitionException.where(current)
                + ": cannot "
                + event
                + " an execution of a run that is "
                + run.status()
                + "; resume the run first");
      }
    }
    boolean newAttempt = event == ExecutionEvent.START;
    boolean backToQueue = event == ExecutionEvent.INTERRUPT || event == ExecutionEvent.RETRY;
    int attempt = newAttempt ? current.attempt() + 1 : current.attempt();
    Instant startedAt = newAttempt ? now : current.startedAt();
    Instant finishedAt = next.isFinished() ? now : backToQueue ? null : current.finishedAt();
    Integer exitCode =
        update.exitCode() != null ? update.exitCode() : newAttempt ? null : current.exitCode();
    String error =
        update.errorMessage() != null
            ? update.errorMessage()
            : newAttempt ? null : current.errorMessage();
    String executor = update.executor() != null ? update.executor() : current.executor();
    String device = update.device() != null ? update.device() : current.device();
    String cacheKey = update.cacheKey() != null ? update.cacheKey() : current.cacheKey();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE executions SET status = ?, executor = ?, device = ?, attempt = ?,"
                + " started_at = ?, finished_at = ?, cache_key = ?, exit_code = ?,"
                + " error_message = ? WHERE id = ? AND status = ?")) {
      ps.setString(1, next.name());
      Rows.setString(ps, 2, executor);
      Rows.setString(ps, 3, device);
      ps.setInt(4, attempt);
      Rows.setInstant(ps, 5, startedAt);
      Rows.setInstant(ps, 6, finishedAt);
      Rows.setString(ps, 7, cacheKey);
      Rows.setInteger(ps, 8, exitCode);
      Rows.setString(ps, 9, error);
      ps.setString(10, current.id());
      ps.setString(11, current.status().name());
      if (ps.executeUpdate() != 1) {
        throw changedMeanwhile(
            IllegalTransitionException.where(current), event.name(), current.status().name());
      }
    }
    insertEvent(
        c,
        current.runId(),
        current.id(),
        event.name(),
        current.status().name(),
        next.name(),
        now,
        detail);
    return new ExecutionRecord(
        current.id(),
        current.runId(),
        current.nodeName(),
        current.stepName(),
        next,
        executor,
        device,
        attempt,
        current.createdAt(),
        startedAt,
        finishedAt,
        cacheKey,
        exitCode,
        error,
        current.parentId(),
        current.trial());
  }

  private static LineageStoreException changedMeanwhile(String what, String event, String was) {
    return new LineageStoreException(
        what
            + " changed while "
            + event
            + " was being applied (it was "
            + was
            + "); another orchestrator may be driving the same run");
  }

  private static void insertEvent(
      Connection c,
      String runId,
      String executionId,
      String event,
      String from,
      String to,
      Instant at,
      String detail)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO events (run_id, execution_id, event_type, from_status, to_status,"
                + " happened_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, runId);
      Rows.setString(ps, 2, executionId);
      ps.setString(3, event);
      Rows.setString(ps, 4, from);
      ps.setString(5, to);
      Rows.setInstant(ps, 6, at);
      Rows.setString(ps, 7, detail);
      ps.executeUpdate();
    }
  }

  static Optional<RunRecord> selectRun(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + Rows.RUN_COLUMNS + " FROM runs r WHERE r.id = ?")) {
      ps.setString(1, runId);
      return first(ps, Rows::run);
    }
  }

  private static RunRecord requireRun(Connection c, String runId) throws SQLException {
    return selectRun(c, runId).orElseThrow(() -> unknownRun(runId));
  }

  static Optional<ExecutionRecord> selectExecution(Connection c, String executionId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + Rows.EXECUTION_COLUMNS + " FROM executions e WHERE e.id = ?")) {
      ps.setString(1, executionId);
      return first(ps, Rows::execution);
    }
  }

  private static Optional<ExecutionRecord> selectExecution(
      Connection c, String runId, String nodeName) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + Rows.EXECUTION_COLUMNS
                + " FROM executions e WHERE e.run_id = ? AND e.node_name = ? AND e.trial = 0")) {
      ps.setString(1, runId);
      ps.setString(2, nodeName);
      return first(ps, Rows::execution);
    }
  }

  private static ExecutionRecord requireExecution(Connection c, String executionId)
      throws SQLException {
    return selectExecution(c, executionId).orElseThrow(() -> unknownExecution(executionId));
  }

  /** The nodes' executions of a run (not the trials of its task nodes). */
  static List<ExecutionRecord> selectExecutions(
      Connection c, String runId, Collection<ExecutionStatus> statuses) throws SQLException {
    return selectExecutions(c, runId, statuses, false);
  }

  private static Optional<ExecutionRecord> selectTrial(Connection c, String taskId, int trial)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + Rows.EXECUTION_COLUMNS
                + " FROM executions e WHERE e.parent_id = ? AND e.trial = ?")) {
      ps.setString(1, taskId);
      ps.setInt(2, trial);
      return first(ps, Rows::execution);
    }
  }

  private static List<ExecutionRecord> selectExecutions(
      Connection c, String runId, Collection<ExecutionStatus> statuses, boolean withTrials)
      throws SQLException {
    String filter =
        statuses.isEmpty()
            ? ""
            : " AND e.status IN ("
                + statuses.stream().map(s -> "?").collect(Collectors.joining(", "))
                + ")";
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + Rows.EXECUTION_COLUMNS
                + " FROM executions e WHERE e.run_id = ?"
                + (withTrials ? "" : " AND e.trial = 0")
                + filter
                + " ORDER BY e.created_at, e.node_name, e.trial")) {
      ps.setString(1, runId);
      int i = 2;
      for (ExecutionStatus status : statuses.stream().sorted().toList()) {
        ps.setString(i++, status.name());
      }
      return list(ps, Rows::execution);
    }
  }

  private static long maxSeq(Connection c, String table, String executionId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COALESCE(MAX(seq), 0) FROM " + table + " WHERE execution_id = ?")) {
      ps.setString(1, executionId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static <T> List<T> list(PreparedStatement ps, RowMapper<T> mapper) throws SQLException {
    List<T> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
    }
    return rows;
  }

  static <T> Optional<T> first(PreparedStatement ps, RowMapper<T> mapper) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
    }
  }

  /** Groups rows by their execution id, keeping order. */
  static <T> Map<String, List<T>> byExecution(PreparedStatement ps, RowMapper<T> mapper)
      throws SQLException {
    Map<String, List<T>> rows = new HashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.computeIfAbsent(rs.getString("execution_id"), k -> new ArrayList<>())
            .add(mapper.map(rs));
      }
    }
    return rows;
  }

  private static String datumOf(InputFile input) {
    if (input.datumId() != null) {
      return input.datumId();
    }
    return input.sha256() == null ? null : ArtifactStore.datumIdOf(input.sha256());
  }

  private static Double number(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value != null && value.isNumber() ? value.asDouble() : null;
  }

  private static String cut(String text) {
    if (text.length() <= MAX_LOG_LINE_CHARS) {
      return text;
    }
    return text.substring(0, MAX_LOG_LINE_CHARS)
        + " … [line cut: "
        + (text.length() - MAX_LOG_LINE_CHARS)
        + " more characters]";
  }

  static NotFoundException unknownRun(String runId) {
    return new NotFoundException("no run " + runId + " in the lineage store");
  }

  static NotFoundException unknownExecution(String executionId) {
    return new NotFoundException("no execution " + executionId + " in the lineage store");
  }
}
