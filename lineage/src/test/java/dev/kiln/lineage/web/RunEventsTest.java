package dev.kiln.lineage.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run page's event stream, read as a browser's EventSource reads it. */
class RunEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  private LineageStore store;
  private LineageServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    server = LineageServer.start(store, new WebConfig("127.0.0.1", 0, null));
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void aLiveRunStreamsEachChangeAndTheStreamEndsWhenTheRunDoes() throws Exception {
    RunRecord run = store.createRun(NewRun.of("streamed"));
    store.transitionRun(run.id(), RunEvent.START);
    var train = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    store.queue(train.id());

    HttpResponse<java.io.InputStream> r = open(run.id());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      JsonNode first = nextRunEvent(in);
      assertThat(first.get("finished").asBoolean()).isFalse();
      assertThat(first.get("nodes").get(0).get("status").asText()).isEqualTo("QUEUED");

      store.start(train.id(), "djl", "cpu");
      JsonNode second = nextRunEvent(in);
      assertThat(second.get("nodes").get(0).get("status").asText()).isEqualTo("RUNNING");

      store.stopRun(run.id(), "test over");
      JsonNode last = nextRunEvent(in);
      assertThat(last.get("finished").asBoolean()).isTrue();
      assertThat(last.get("run").get("status").asText()).isEqualTo("STOPPED");
      // The server ends the stream: nothing more to read.
      CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> readRest(in));
      assertThat(rest.get(10, TimeUnit.SECONDS)).doesNotContain("event:");
    }
    assertThat(waitForNoStreams()).isTrue();
  }

  @Test
  void aLiveExecutionStreamsItsNewLogLinesAndMetadataThenEnds() throws Exception {
    RunRecord run = store.createRun(NewRun.of("streamed"));
    store.transitionRun(run.id(), RunEvent.START);
    var train = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    store.start(train.id(), "djl", "cpu");
    java.time.Instant t = java.time.Instant.now();
    store.appendLogs(
        train.id(),
        List.of(new dev.kiln.lineage.model.NewLogLine(dev.kiln.lineage.model.LogStream.STDOUT, t, "before")));

    // The page asks from what it already has: line 1 was read with the tail.
    HttpResponse<java.io.InputStream> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        server.baseUrl() + "/api/executions/" + train.id() + "/events?afterLog=1&afterMeta=0"))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      store.appendLogs(
          train.id(),
          List.of(
              new dev.kiln.lineage.model.NewLogLine(dev.kiln.lineage.model.LogStream.STDOUT, t, "epoch 1"),
              new dev.kiln.lineage.model.NewLogLine(dev.kiln.lineage.model.LogStream.STDERR, t, "warn")));
      JsonNode logs = nextEvent(in, "logs");
      assertThat(logs.get("lines")).extracting(l -> l.get("text").asText()).containsExactly("epoch 1", "warn");
      assertThat(logs.get("last").asLong()).isEqualTo(3);

      store.appendMetadata(
          train.id(), List.of(new dev.kiln.lineage.model.NewMetadata(t, "{\"loss\": 0.5, \"step\": 1}")));
      JsonNode meta = nextEvent(in, "metadata");
      assertThat(meta.get("entries").get(0).get("json").get("loss").asDouble()).isEqualTo(0.5);

      store.succeed(train.id(), 0);
      JsonNode end = nextEvent(in, "end");
      assertThat(end.get("status").asText()).isEqualTo("SUCCEEDED");
      CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> readRest(in));
      assertThat(rest.get(10, TimeUnit.SECONDS)).doesNotContain("event:");
    }
    assertThat(waitForNoStreams()).isTrue();
    // An unknown execution is the API's JSON 404, not an empty stream.
    HttpResponse<java.io.InputStream> unknown =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/executions/nope/events"))
                .header("Accept", "text/event-stream").GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(unknown.statusCode()).isEqualTo(404);
    String js =
        new String(
            RunEventsTest.class.getResourceAsStream(LineageServer.STATIC_DIR + "/app.js").readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(js).contains("'/events?afterLog='").contains("logTail(pre, executionId, true");
  }

  @Test
  void anUnknownRunIsAJson404() throws Exception {
    HttpResponse<java.io.InputStream> r = open("00000000-0000-0000-0000-000000000000");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
    JsonNode body = JSON.readTree(r.body().readAllBytes());
    assertThat(body.get("status").asInt()).isEqualTo(404);
  }

  @Test
  void theScriptUsesTheStreamAndFallsBackToPolling() throws Exception {
    String js =
        new String(
            RunEventsTest.class.getResourceAsStream(LineageServer.STATIC_DIR + "/app.js").readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(js).contains("new EventSource(").contains("/events").contains("pollRun(");
  }

  private HttpResponse<java.io.InputStream> open(String runId) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/runs/" + runId + "/events"))
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private static JsonNode nextRunEvent(BufferedReader in) throws Exception {
    return nextEvent(in, "run");
  }

  private static JsonNode nextEvent(BufferedReader in, String wanted) throws Exception {
    CompletableFuture<JsonNode> next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String event = null;
                List<String> data = new ArrayList<>();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).strip();
                  } else if (line.startsWith("data:")) {
                    data.add(line.substring("data:".length()).strip());
                  } else if (line.isEmpty() && wanted.equals(event)) {
                    return JSON.readTree(String.join("\n", data));
                  } else if (line.isEmpty()) {
                    event = null;
                    data.clear();
                  }
                }
                throw new AssertionError("the stream ended before a " + wanted + " event");
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    return next.get(10, TimeUnit.SECONDS);
  }

  private static String readRest(BufferedReader in) {
    StringBuilder out = new StringBuilder();
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.append(line).append('\n');
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString();
  }

  private boolean waitForNoStreams() throws InterruptedException {
    RunEvents events = server.events();
    for (int i = 0; i < 50; i++) {
      if (events.openStreams() == 0) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }
}
