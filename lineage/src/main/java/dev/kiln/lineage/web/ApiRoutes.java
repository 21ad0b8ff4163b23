package dev.kiln.lineage.web;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.artifact.ArtifactStore;
import dev.kiln.lineage.model.Direction;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.Page;
import dev.kiln.lineage.model.RunQuery;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.lineage.model.JsonSupport;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The JSON endpoints under {@code /api}; docs/viewer.md lists them with examples. */
final class ApiRoutes {
  static final int DEFAULT_RUNS_LIMIT = 50;
  static final int DEFAULT_LOG_LIMIT = 1000;
  static final int MAX_LOG_LIMIT = 10_000;
  static final int MAX_METADATA_LIMIT = 100_000;
  static final int MAX_HOPS = 20;
  static final int MAX_COMPARED = 100;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final LineageStore store;

  ApiRoutes(LineageStore store) {
    this.store = store;
  }

  void addTo(Javalin app) {
    app.get("/api/runs", this::runs);
    app.get("/api/runs/{runId}", this::run);
    app.post("/api/runs/{runId}/stop", this::stopRun);
    app.get("/api/executions/{id}", this::execution);
    app.get("/api/executions/{id}/logs", this::logs);
    app.get("/api/executions/{id}/metadata", this::metadata);
    app.get("/api/executions/{id}/tuning", this::tuning);
    app.get("/api/executions/{id}/outputs/<path>", this::output);
    app.get("/api/artifacts/{sha}/content", this::artifactContent);
    app.get("/api/artifacts/{id}/lineage", this::lineage);
    app.get("/api/compare", this::compare);
  }

  private void runs(Context ctx) {
    RunQuery q =
        RunQuery.newest()
            .page(
                intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE),
                intParam(ctx, "limit", DEFAULT_RUNS_LIMIT, 1, RunQuery.MAX_LIMIT));
    String pipeline = ctx.queryParam("pipeline");
    if (pipeline != null && !pipeline.isBlank()) {
      q = q.withPipeline(pipeline.strip());
    }
    String status = ctx.queryParam("status");
    if (status != null && !status.isBlank()) {
      q = q.withStatus(enumParam(RunStatus.class, "status", status));
    }
    Page<RunRecord> page = store.listRuns(q);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items());
    body.put("offset", page.offset());
    body.put("limit", page.limit());
    body.put("total", page.total());
    body.put("hasMore", page.hasMore());
    json(ctx, body);
  }

  private void run(Context ctx) {
    String runId = ctx.pathParam("runId");
    json(ctx, RunGraph.of(store.runDetail(runId), store.tuningExecutions(runId)));
  }

  /** A task execution's tuning job: spec, trials with metric and curve, best trial. */
  private void tuning(Context ctx) {
    json(ctx, TuningView.of(store, ctx.pathParam("id"), java.time.Instant.now()));
  }

  private void stopRun(Context ctx) {
    LineageServer.requireToken(ctx);
    String runId = ctx.pathParam("runId");
    store.run(runId);
    String reason = ctx.queryParam("reason");
    json(ctx, store.stopRun(runId, reason == null || reason.isBlank() ? "stopped from the viewer" : reason));
  }

  private void execution(Context ctx) {
    ExecutionDetail detail = store.executionDetail(ctx.pathParam("id"));
    RunRecord run = store.run(detail.execution().runId());
    Map<String, ExecutionView.Producer> producers = new LinkedHashMap<>();
    for (InputFile in : detail.inputs()) {
      String p = in.producingExecutionId();
      if (p != null && !producers.containsKey(p)) {
        Optional<ExecutionRecord> producer = store.findExecution(p);
        producer.ifPresent(
            x ->
                producers.put(
                    p, new ExecutionView.Producer(x.id(), x.runId(), x.nodeName(), x.stepName())));
      }
    }
    json(ctx, new ExecutionView(detail, run, producers));
  }

  /** {@code ?after=SEQ&limit=N} pages forward; {@code ?tail=N} gives the last N lines. */
  private void logs(Context ctx) {
    String id = ctx.pathParam("id");
    List<LogLine> lines;
    if (ctx.queryParam("tail") != null) {
      int tail = intParam(ctx, "tail", DEFAULT_LOG_LIMIT, 1, MAX_LOG_LIMIT);
      lines = store.logLines(id, Math.max(0, maxLogSeq(id) - tail), tail);
    } else {
      long after = longParam(ctx, "after", 0);
      int limit = intParam(ctx, "limit", DEFAULT_LOG_LIMIT, 1, MAX_LOG_LIMIT);
      lines = store.logLines(id, after, limit);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lines", lines);
    body.put(
        "last",
        lines.isEmpty() ? longParam(ctx, "after", 0) : lines.get(lines.size() - 1).seq());
    json(ctx, body);
  }

  /**
   * The highest log sequence number of an execution, found with O(log n) one-line reads (the store
   * numbers lines 1, 2, 3... and has no "last lines" query), so a tail costs the same for ten
   * lines of log as for ten million.
   */
  private long maxLogSeq(String id) {
    if (!hasLogAfter(id, 0)) {
      return 0;
    }
    long lo = 0; // a line exists after lo
    long hi = 1;
    while (hasLogAfter(id, hi)) {
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) { // none after hi; the answer is the smallest such hi
      long mid = (lo + hi) >>> 1;
      if (hasLogAfter(id, mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  private boolean hasLogAfter(String id, long seq) {
    return !store.logLines(id, seq, 1).isEmpty();
  }

  private void metadata(Context ctx) {
    String id = ctx.pathParam("id");
    long after = longParam(ctx, "after", 0);
    int limit = intParam(ctx, "limit", MAX_METADATA_LIMIT, 1, MAX_METADATA_LIMIT);
    var entries = store.metadata(id, after, limit);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", entries);
    body.put("last", entries.isEmpty() ? after : entries.get(entries.size() - 1).seq());
    json(ctx, body);
  }

  /**
   * An output of an execution, by the path it was recorded under. Only recorded paths are served,
   * and the bytes come from the content-addressed store, so no path a client sends reaches the
   * file system.
   */
  private void output(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    String path = ctx.pathParam("path");
    if (path.isEmpty()
        || path.startsWith("/")
        || path.contains("\\")
        || path.contains("\0")
        || Arrays.asList(path.split("/")).contains("..")) {
      throw ApiException.badRequest(
          "output path must be relative and stay inside outputs/: '" + path + "'");
    }
    ExecutionDetail detail = store.executionDetail(id);
    OutputFile out =
        detail.outputs().stream()
            .filter(o -> o.path().equals(path))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "execution " + id + " (node \"" + detail.execution().nodeName()
                            + "\") has no output '" + path + "'"));
    // The same path names other bytes after a retry or a resume: revalidate by the sha every time.
    send(ctx, out.sha256(), fileName(path), false);
  }

  /** Stored content by sha256 (inputs from elsewhere, artifacts in a lineage graph). */
  private void artifactContent(Context ctx) throws IOException {
    String sha = ArtifactStore.shaOf(normaliseArtifactId(ctx.pathParam("sha")));
    String name = ctx.queryParam("name");
    send(ctx, sha, name == null || name.isBlank() ? sha : fileName(name), true);
  }

  /**
   * Sends stored content. Only a URL that names the content itself ({@code contentAddressed}) may
   * be cached as immutable; any other gets {@code no-cache} and an ETag of the sha, so a browser
   * revalidates and gets 304 while the bytes are the same.
   */
  private void send(Context ctx, String sha, String fileName, boolean contentAddressed)
      throws IOException {
    ArtifactStore artifacts = store.artifacts();
    if (!artifacts.contains(sha)) {
      throw ApiException.notFound(
          "the artifact store has no content " + ArtifactStore.datumIdOf(sha)
              + " (it was recorded but not kept here)");
    }
    Path file = artifacts.resolve(sha);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw ApiException.notFound("no stored file for " + ArtifactStore.datumIdOf(sha));
    }
    String etag = "\"" + sha + "\"";
    ctx.header("ETag", etag);
    ctx.header(
        "Cache-Control",
        contentAddressed ? "private, max-age=31536000, immutable" : "private, no-cache");
    if (matches(ctx.header("If-None-Match"), etag)) {
      ctx.status(304);
      return;
    }
    String inline = ContentTypes.inlineType(fileName);
    boolean download = ctx.queryParam("download") != null || inline == null;
    ctx.contentType(inline == null ? "application/octet-stream" : inline);
    ctx.header(
        "Content-Disposition",
        (download ? "attachment" : "inline") + "; filename=\"" + safeHeaderName(fileName) + "\"");
    ctx.header("Content-Length", Long.toString(Files.size(file)));
    ctx.result(Files.newInputStream(file));
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private void lineage(Context ctx) {
    String id = normaliseArtifactId(ctx.pathParam("id"));
    Direction direction = enumParam(Direction.class, "direction",
        Optional.ofNullable(ctx.queryParam("direction")).orElse("UP"));
    int hops = intParam(ctx, "hops", 3, 1, MAX_HOPS);
    json(ctx, store.lineage(id, direction, hops));
  }

  private void compare(Context ctx) {
    String ids = ctx.queryParam("executions");
    if (ids == null || ids.isBlank()) {
      throw ApiException.badRequest(
          "name the executions to compare: /api/compare?executions=ID,ID,...");
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String s : ids.split(",")) {
      if (!s.isBlank()) {
        unique.add(s.strip());
      }
    }
    if (unique.size() > MAX_COMPARED) {
      throw ApiException.badRequest(
          "at most " + MAX_COMPARED + " executions can be compared, got " + unique.size());
    }
    List<ExecutionDetail> details = new ArrayList<>();
    for (String id : unique) {
      details.add(store.executionDetail(id));
    }
    json(ctx, Comparison.of(details, id -> store.metadata(id, 0, MAX_METADATA_LIMIT)));
  }

  // ---------------------------------------------------------------- helpers

  static void json(Context ctx, Object body) {
    ctx.contentType("application/json; charset=utf-8");
    ctx.result(JsonSupport.write(body));
  }

  /** A sha256, or a datum id ({@code datum://sha}, or {@code datum:} with the slashes lost). */
  private static String normaliseArtifactId(String raw) {
    String s = raw.strip().toLowerCase(Locale.ROOT);
    if (s.startsWith(ArtifactStore.DATUM_PREFIX)) {
      s = s.substring(ArtifactStore.DATUM_PREFIX.length());
    } else if (s.startsWith("datum:")) {
      s = s.substring("datum:".length()).replaceFirst("^/+", "");
    }
    if (!SHA256.matcher(s).matches()) {
      throw ApiException.badRequest(
          "an artifact is named by its sha256 (64 hex digits) or datum://SHA256, got '" + raw + "'");
    }
    return ArtifactStore.datumIdOf(s);
  }

  private static String fileName(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  private static String safeHeaderName(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() ? "download" : s;
  }

  static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw.strip());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "query parameter " + name + " must be an integer "
            + min + ".." + (max == Integer.MAX_VALUE ? "" : Integer.toString(max))
            + ", got '" + raw + "'");
  }

  static long longParam(Context ctx, String name, long dflt) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(raw.strip());
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "query parameter " + name + " must be a whole number >= 0, got '" + raw + "'");
  }

  static <E extends Enum<E>> E enumParam(Class<E> type, String name, String raw) {
    try {
      return Enum.valueOf(type, raw.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E v : type.getEnumConstants()) {
        allowed.add(v.name().toLowerCase(Locale.ROOT));
      }
      throw ApiException.badRequest(
          "query parameter " + name + " must be one of " + String.join(", ", allowed)
              + ", got '" + raw + "'");
    }
  }

}
