package dev.kiln.lineage.web;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.JsonSupport;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
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
  }

  private void stream(SseClient client) {
    String runId = client.ctx().pathParam("runId");
    client.keepAlive();
    open.incrementAndGet();
    AtomicReference<String> last = new AtomicReference<>();
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
                RunGraph graph = RunGraph.of(store.runDetail(runId), store.tuningExecutions(runId));
                String json = JsonSupport.write(graph);
                if (!json.equals(last.get())) {
                  last.set(json);
                  client.sendEvent("run", json);
                  quietSince[0] = System.nanoTime();
                } else if (System.nanoTime() - quietSince[0] > KEEPALIVE_MS * 1_000_000) {
                  client.sendComment("keep-alive");
                  quietSince[0] = System.nanoTime();
                }
                if (graph.finished()) {
                  finish.run();
                  client.close();
                }
              } catch (RuntimeException e) {
                LOG.warn("event stream of run {} ends: {}", runId, e.getMessage());
                finish.run();
                client.close();
              }
            },
            0,
            CHECK_MS,
            TimeUnit.MILLISECONDS));
  }

  int openStreams() {
    return open.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
