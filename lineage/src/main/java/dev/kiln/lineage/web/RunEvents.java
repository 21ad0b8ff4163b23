package dev.kiln.lineage.web;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.JsonSupport;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/runs/RUN_ID/events}: the run graph as server-sent events, so a run page updates
 * as soon as the store changes instead of asking every 2 s. The store has no change feed (another
 * process may write it), so one shared thread reads each open stream's run once a CHECK_MS and
 * sends an {@code event: run} only when the graph differs from the last one sent; a finished run
 * gets its last graph and the stream ends. Pages fall back to polling when a stream fails.
 */
final class RunEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

  static final String PATH = "/api/runs/{runId}/events";
  /**
   * One execution's new log lines ({@code event: logs}, as {@code GET .../logs?after=}) and
   * metadata entries ({@code event: metadata}, as {@code GET .../metadata?after=}) as they are
   * stored, from {@code ?afterLog=N&afterMeta=M}; {@code event: end} once it has finished and
   * everything was sent.
   */
  static final String EXECUTION_PATH = "/api/executions/{id}/events";
  static final int BATCH = 1000;
  static final long CHECK_MS = 500;
  /** Comments keep proxies from closing an idle stream and find clients that went away. */
  static final long KEEPALIVE_MS = 15_000;
  /** Beyond this many open streams a page is told to poll (503) rather than tie up threads. */
  static final int MAX_STREAMS = 64;

  private final LineageStore store;
  private final ScheduledExecutorService timer;
  private final AtomicInteger open = new AtomicInteger();

  RunEvents(LineageStore store) {
    this.store = store;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kiln-viewer-events");
              t.setDaemon(true);
              return t;
            });
  }

  void addTo(Javalin app) {
    // Checked before the stream starts, so an unknown run is a JSON 404 and not an empty stream.
    app.before(
        PATH,
        ctx -> {
          store.runDetail(ctx.pathParam("runId"));
          if (open.get() >= MAX_STREAMS) {
            throw new ApiException(
                503, "too many open event streams (" + MAX_STREAMS + "); poll GET /api/runs/RUN_ID");
          }
        });
    app.sse(PATH, this::stream);
    app.before(
        EXECUTION_PATH,
        ctx -> {
          store.executionDetail(ctx.pathParam("id"));
          if (open.get() >= MAX_STREAMS) {
            throw new ApiException(
                503,
                "too many open event streams (" + MAX_STREAMS + "); poll GET"
                    + " /api/executions/ID/logs and /metadata");
          }
        });
    app.sse(EXECUTION_PATH, this::streamExecution);
  }

  private static long param(SseClient client, String name) {
    String v = client.ctx().queryParam(name);
    try {
      return v == null ? 0 : Math.max(0, Long.parseLong(v));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** What one check of a stream did: sent something, and whether the stream is over. */
  private record Tick(boolean sent, boolean done) {}

  /**
   * Runs {@code check} every CHECK_MS for one open stream, with a keep-alive comment when it has
   * been quiet for KEEPALIVE_MS, until it says the stream is over, the client goes or it throws.
   */
  private void follow(SseClient client, String what, java.util.function.Supplier<Tick> check) {
    client.keepAlive();
    open.incrementAndGet();
    long[] quietSince = {System.nanoTime()};
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable finish =
        () -> {
          ScheduledFuture<?> f = task.getAndSet(null);
          if (f != null) {
            f.cancel(false);
            open.decrementAndGet();
          }
        };
    client.onClose(finish);
    task.set(
        timer.scheduleWithFixedDelay(
            () -> {
              try {
                if (client.terminated()) {
                  finish.run();
                  return;
                }
                Tick tick = check.get();
                if (tick.sent()) {
                  quietSince[0] = System.nanoTime();
                } else if (!tick.done()
                    && System.nanoTime() - quietSince[0] > KEEPALIVE_MS * 1_000_000) {
                  client.sendComment("keep-alive");
                  quietSince[0] = System.nanoTime();
                }
                if (tick.done()) {
                  finish.run();
                  client.close();
                }
              } catch (RuntimeException e) {
                LOG.warn("event stream of {} ends: {}", what, e.getMessage());
                finish.run();
                client.close();
              }
            },
            0,
            CHECK_MS,
            TimeUnit.MILLISECONDS));
  }

  private void streamExecution(SseClient client) {
    String id = client.ctx().pathParam("id");
    long[] after = {param(client, "afterLog"), param(client, "afterMeta")};
    follow(
        client,
        "execution " + id,
        () -> {
          // Read the status first: what was stored before it finished is sent before "end".
          boolean finished = store.execution(id).status().isFinished();
          boolean sent = false;
          var lines = store.logLines(id, after[0], BATCH);
          if (!lines.isEmpty()) {
            after[0] = lines.get(lines.size() - 1).seq();
            client.sendEvent("logs", JsonSupport.write(Map.of("lines", lines, "last", after[0])));
            sent = true;
          }
          var entries = store.metadata(id, after[1], BATCH);
          if (!entries.isEmpty()) {
            after[1] = entries.get(entries.size() - 1).seq();
            client.sendEvent(
                "metadata", JsonSupport.write(Map.of("entries", entries, "last", after[1])));
            sent = true;
          }
          if (!sent && finished) {
            client.sendEvent(
                "end", JsonSupport.write(Map.of("status", store.execution(id).status().name())));
            return new Tick(true, true);
          }
          return new Tick(sent, false);
        });
  }

  private void stream(SseClient client) {
    String runId = client.ctx().pathParam("runId");
    AtomicReference<String> last = new AtomicReference<>();
    follow(
        client,
        "run " + runId,
        () -> {
          RunGraph graph = RunGraph.of(store.runDetail(runId), store.tuningExecutions(runId));
          String json = JsonSupport.write(graph);
          boolean sent = !json.equals(last.get());
          if (sent) {
            last.set(json);
            client.sendEvent("run", json);
          }
          return new Tick(sent, graph.finished());
        });
  }

  int openStreams() {
    return open.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
