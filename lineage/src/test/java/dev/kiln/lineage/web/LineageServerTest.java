package dev.kiln.lineage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of the API against a store written through {@link LineageStore}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineageServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "s3cret-token";

  @TempDir static Path home;

  private LineageStore store;
  private LineageServer server;
  private DemoRun alpha;
  private DemoRun beta;
  private DemoRun alpha2;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    alpha = DemoRun.write(store, "alpha", 0.1);
    beta = DemoRun.write(store, "beta", 0.01);
    alpha2 = DemoRun.write(store, "alpha", 0.001);
    List<Consumer<Javalin>> extra = new ArrayList<>();
    extra.add(
        app ->
            app.post(
                "/api/hooks/test",
                ctx -> {
                  LineageServer.requireToken(ctx);
                  ctx.result("hooked " + ctx.body());
                }));
    server = LineageServer.start(store, new WebConfig("127.0.0.1", 0, TOKEN), extra);
  }

  @AfterAll
  void stop() {
    server.close();
    store.close();
  }

  // ---------------------------------------------------------------- runs

  @Test
  void runsAreNewestFirstPagedAndFiltered() throws Exception {
    // other tests add runs that never succeed, so the counts here are on succeeded runs
    JsonNode page = getJson("/api/runs?status=succeeded&limit=2");
    assertThat(page.get("total").asLong()).isEqualTo(3);
    assertThat(page.get("hasMore").asBoolean()).isTrue();
    assertThat(ids(page.get("items"))).containsExactly(alpha2.run.id(), beta.run.id());
    JsonNode second = getJson("/api/runs?status=succeeded&limit=2&offset=2");
    assertThat(ids(second.get("items"))).containsExactly(alpha.run.id());
    assertThat(second.get("hasMore").asBoolean()).isFalse();

    JsonNode onlyAlpha = getJson("/api/runs?pipeline=alpha");
    assertThat(ids(onlyAlpha.get("items"))).containsExactly(alpha2.run.id(), alpha.run.id());
    assertThat(getJson("/api/runs?status=succeeded").get("total").asLong()).isEqualTo(3);
    assertThat(getJson("/api/runs?status=FAILED").get("total").asLong()).isZero();
    assertThat(getJson("/api/runs").get("total").asLong()).isGreaterThanOrEqualTo(3);
    JsonNode first = page.get("items").get(0);
    assertThat(first.get("pipeline").asText()).isEqualTo("alpha");
    assertThat(first.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(first.get("commit").get("sha").asText()).isEqualTo("a".repeat(40));
  }

  @Test
  void badRunQueriesAre400WithAMessage() throws Exception {
    assertError(
        get("/api/runs?status=bogus"),
        400,
        "query parameter status must be one of created, running, succeeded, failed, stopped, got"
            + " 'bogus'");
    assertError(get("/api/runs?limit=0"), 400, "query parameter limit must be an integer 1..1000, got '0'");
    assertError(get("/api/runs?offset=x"), 400, "query parameter offset must be an integer 0.., got 'x'");
  }

  @Test
  void aRunIsItsGraphWithLabelledEdges() throws Exception {
    JsonNode g = getJson("/api/runs/" + alpha.run.id());
    assertThat(g.get("run").get("id").asText()).isEqualTo(alpha.run.id());
    assertThat(g.get("finished").asBoolean()).isTrue();
    assertThat(g.get("nodes")).hasSize(2);
    JsonNode train = g.get("nodes").get(1);
    assertThat(train.get("nodeName").asText()).isEqualTo("train");
    assertThat(train.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(train.get("reused").asBoolean()).isFalse();
    assertThat(train.get("executor").asText()).isEqualTo("djl");
    assertThat(train.get("device").asText()).isEqualTo("gpu:0");
    assertThat(train.get("metadataCount").asLong()).isEqualTo(20);
    assertThat(g.get("edges")).hasSize(1);
    JsonNode edge = g.get("edges").get(0);
    assertThat(edge.get("from").asText()).isEqualTo(alpha.prepare.id());
    assertThat(edge.get("to").asText()).isEqualTo(alpha.train.id());
    assertThat(edge.get("label").asText()).isEqualTo("dataset: data.csv");
  }

  @Test
  void aRunningRunIsNotFinishedAndReusedNodesAreMarked() throws Exception {
    RunRecord run = store.createRun(NewRun.of("again"));
    store.transitionRun(run.id(), RunEvent.START);
    var reused = store.createExecution(dev.kiln.lineage.model.NewExecution.of(run.id(), "prepare", "prepare"));
    store.markReused(reused.id(), alpha.prepare.id());
    var running = store.createExecution(dev.kiln.lineage.model.NewExecution.of(run.id(), "train", "train"));
    store.queue(running.id());
    store.start(running.id(), "djl", "cpu");
    JsonNode g = getJson("/api/runs/" + run.id());
    assertThat(g.get("finished").asBoolean()).isFalse();
    assertThat(g.get("nodes").get(0).get("status").asText()).isEqualTo("REUSED");
    assertThat(g.get("nodes").get(0).get("reused").asBoolean()).isTrue();
    assertThat(g.get("nodes").get(0).get("reusedFromExecutionId").asText()).isEqualTo(alpha.prepare.id());
    assertThat(g.get("nodes").get(0).get("outputCount").asInt()).isEqualTo(1);
    assertThat(g.get("nodes").get(1).get("status").asText()).isEqualTo("RUNNING");
    assertThat(g.get("nodes").get(1).get("reused").asBoolean()).isFalse();
    assertThat(getJson("/api/executions/" + running.id() + "/logs?tail=5").get("lines")).isEmpty();
    store.stopRun(run.id(), "test over");
  }

  @Test
  void unknownIdsAre404JsonWithoutAStackTrace() throws Exception {
    String nobody = "00000000-0000-0000-0000-000000000000";
    for (String path :
        List.of(
            "/api/runs/" + nobody,
            "/api/executions/" + nobody,
            "/api/executions/" + nobody + "/logs",
            "/api/executions/" + nobody + "/metadata",
            "/api/executions/" + nobody + "/outputs/model.bin",
            "/api/artifacts/" + "0".repeat(64) + "/content",
            "/api/artifacts/" + "0".repeat(64) + "/lineage",
            "/api/compare?executions=" + nobody,
            "/api/no-such-endpoint")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("status").asInt()).isEqualTo(404);
      assertThat(body.get("error").asText()).as(path).isNotBlank();
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java:");
    }
    assertThat(JSON.readTree(get("/api/runs/" + nobody).body()).get("error").asText())
        .contains(nobody);
  }

  // ---------------------------------------------------------------- executions

  @Test
  void anExecutionHasItsParametersInputsOutputsAndCommit() throws Exception {
    JsonNode v = getJson("/api/executions/" + alpha.train.id());
    JsonNode d = v.get("detail");
    assertThat(d.get("execution").get("nodeName").asText()).isEqualTo("train");
    assertThat(d.get("execution").get("executor").asText()).isEqualTo("djl");
    assertThat(d.get("execution").get("device").asText()).isEqualTo("gpu:0");
    assertThat(d.get("parameters").get(1).get("name").asText()).isEqualTo("lr");
    assertThat(d.get("parameters").get(1).get("valueJson").asDouble()).isEqualTo(0.1);
    JsonNode in = d.get("inputs").get(0);
    assertThat(in.get("inputName").asText()).isEqualTo("dataset");
    assertThat(in.get("producingExecutionId").asText()).isEqualTo(alpha.prepare.id());
    JsonNode producer = v.get("producers").get(alpha.prepare.id());
    assertThat(producer.get("nodeName").asText()).isEqualTo("prepare");
    assertThat(producer.get("runId").asText()).isEqualTo(alpha.run.id());
    assertThat(d.get("outputs")).extracting(o -> o.get("path").asText())
        .containsExactly("images/preview.png", "model.bin");
    assertThat(v.get("run").get("commit").get("sha").asText()).isEqualTo("a".repeat(40));
    assertThat(d.get("metadataCount").asLong()).isEqualTo(20);
  }

  @Test
  void logsPageForwardAndTail() throws Exception {
    String base = "/api/executions/" + alpha.train.id() + "/logs";
    JsonNode first = getJson(base + "?after=0&limit=100");
    assertThat(first.get("lines")).hasSize(100);
    assertThat(first.get("lines").get(0).get("text").asText()).isEqualTo("line 1");
    assertThat(first.get("last").asLong()).isEqualTo(100);
    JsonNode next = getJson(base + "?after=100&limit=5");
    assertThat(next.get("lines").get(0).get("seq").asLong()).isEqualTo(101);
    JsonNode tail = getJson(base + "?tail=10");
    assertThat(tail.get("lines")).hasSize(10);
    assertThat(tail.get("lines").get(0).get("text").asText()).isEqualTo("line 1491");
    assertThat(tail.get("last").asLong()).isEqualTo(1500);
    for (int n : new int[] {1, 2, 499, 500, 1499, 1500, 5000}) {
      JsonNode t = getJson(base + "?tail=" + n);
      assertThat(t.get("lines")).as("tail=" + n).hasSize(Math.min(n, 1500));
      assertThat(t.get("lines").get(0).get("seq").asLong()).as("tail=" + n).isEqualTo(Math.max(1, 1501 - n));
    }
    assertThat(getJson("/api/executions/" + alpha.prepare.id() + "/logs?tail=5").get("lines")).hasSize(1);
    assertThat(getJson(base + "?after=699&limit=1").get("lines").get(0).get("text").asText())
        .isEqualTo(DemoRun.SCRIPT_LINE);
    assertThat(getJson(base + "?after=1500").get("lines")).isEmpty();
    assertThat(getJson(base + "?after=1500").get("last").asLong()).isEqualTo(1500);
    assertError(get(base + "?limit=20000"), 400, "query parameter limit must be an integer 1..10000, got '20000'");
  }

  @Test
  void metadataPagesForward() throws Exception {
    String base = "/api/executions/" + alpha.train.id() + "/metadata";
    JsonNode all = getJson(base);
    assertThat(all.get("entries")).hasSize(20);
    JsonNode e = all.get("entries").get(3);
    assertThat(e.get("json").get("loss").asDouble()).isEqualTo(0.25 + 0.1);
    assertThat(e.get("step").asDouble()).isEqualTo(3);
    assertThat(getJson(base + "?after=15").get("entries")).hasSize(5);
    assertThat(getJson(base + "?after=15").get("last").asLong()).isEqualTo(20);
  }

  // ---------------------------------------------------------------- artifacts

  @Test
  void outputsDownloadFromTheArtifactStore() throws Exception {
    String base = "/api/executions/" + alpha.train.id() + "/outputs/";
    HttpResponse<byte[]> model = getBytes(base + "model.bin");
    assertThat(model.statusCode()).isEqualTo(200);
    assertThat(new String(model.body(), StandardCharsets.UTF_8)).isEqualTo("weights alpha0.1");
    assertThat(model.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(model.headers().firstValue("Content-Disposition"))
        .contains("attachment; filename=\"model.bin\"");
    HttpResponse<byte[]> png = getBytes(base + "images/preview.png");
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(png.headers().firstValue("Content-Disposition")).get().asString().startsWith("inline");
    assertThat(getBytes(base + "images/preview.png?download=1").headers().firstValue("Content-Disposition"))
        .get().asString().startsWith("attachment");
    assertError(get(base + "nope.bin"), 404,
        "execution " + alpha.train.id() + " (node \"train\") has no output 'nope.bin'");
  }

  @Test
  void pathTraversalNeverLeavesTheArtifactStore() throws Exception {
    Path secret = home.resolve("secret.txt");
    Files.writeString(secret, "TOP SECRET");
    String base = "/api/executions/" + alpha.train.id() + "/outputs/";
    for (String attack :
        List.of(
            "../../secret.txt",
            "..%2F..%2Fsecret.txt",
            "images/..%2F..%2F..%2Fsecret.txt",
            "%2e%2e/%2e%2e/secret.txt",
            "images%5C..%5C..%5Csecret.txt",
            "%2Fetc%2Fpasswd")) {
      HttpResponse<String> r = get(base + attack);
      assertThat(r.statusCode()).as(attack).isIn(400, 404);
      assertThat(r.body()).as(attack).doesNotContain("TOP SECRET").doesNotContain("root:");
    }
    assertError(get(base + "images%5C..%5Csecret.txt"), 400,
        "output path must be relative and stay inside outputs/: 'images\\..\\secret.txt'");
    HttpResponse<String> bad = get("/api/artifacts/..%2Fsecret.txt/content");
    assertThat(bad.statusCode()).isIn(400, 404);
    assertThat(bad.body()).doesNotContain("TOP SECRET");
  }

  @Test
  void artifactContentIsServedBySha() throws Exception {
    HttpResponse<byte[]> r = getBytes("/api/artifacts/" + alpha.data.sha256() + "/content?name=data.csv");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).startsWith("a,b\n1,2\n");
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
    assertError(get("/api/artifacts/not-a-sha/content"), 400,
        "an artifact is named by its sha256 (64 hex digits) or datum://SHA256, got 'not-a-sha'");
  }

  @Test
  void lineageGoesUpAndDown() throws Exception {
    JsonNode up = getJson("/api/artifacts/" + alpha.model.sha256() + "/lineage?direction=up&hops=2");
    assertThat(up.get("direction").asText()).isEqualTo("UP");
    List<String> upNodes = new ArrayList<>();
    up.get("nodes").forEach(n -> upNodes.add(n.get("kind").asText() + ":" + name(n)));
    assertThat(upNodes).contains("execution:train", "execution:prepare", "artifact:data.csv");
    assertThat(up.get("edges").size()).isGreaterThanOrEqualTo(3);

    JsonNode down = getJson("/api/artifacts/datum:%2F%2F" + alpha.data.sha256() + "/lineage?direction=down&hops=1");
    List<String> downNodes = new ArrayList<>();
    down.get("nodes").forEach(n -> downNodes.add(n.get("kind").asText() + ":" + name(n)));
    assertThat(downNodes).contains("execution:train", "artifact:model.bin", "artifact:images/preview.png");
    assertThat(downNodes).doesNotContain("execution:prepare");

    assertError(get("/api/artifacts/" + alpha.model.sha256() + "/lineage?direction=sideways"), 400,
        "query parameter direction must be one of up, down, got 'sideways'");
    assertError(get("/api/artifacts/" + alpha.model.sha256() + "/lineage?hops=99"), 400,
        "query parameter hops must be an integer 1..20, got '99'");
  }

  // ---------------------------------------------------------------- comparison

  @Test
  void executionsCompareByParametersAndFinalMetrics() throws Exception {
    JsonNode c = getJson("/api/compare?executions=" + alpha.train.id() + "," + beta.train.id());
    assertThat(c.get("parameterNames")).extracting(JsonNode::asText).containsExactly("epochs", "lr");
    assertThat(c.get("metricNames")).extracting(JsonNode::asText).containsExactly("step", "epoch", "loss");
    assertThat(c.get("rows")).hasSize(2);
    assertThat(c.get("rows").get(0).get("parameters").get("lr").asDouble()).isEqualTo(0.1);
    assertThat(c.get("rows").get(1).get("parameters").get("lr").asDouble()).isEqualTo(0.01);
    assertThat(c.get("rows").get(1).get("metrics").get("loss").asDouble()).isEqualTo(0.05 + 0.01);
    assertThat(c.get("rows").get(1).get("runId").asText()).isEqualTo(beta.run.id());
    assertError(get("/api/compare"), 400, "name the executions to compare: /api/compare?executions=ID,ID,...");
  }

  // ---------------------------------------------------------------- state changes

  @Test
  void stoppingARunNeedsTheToken() throws Exception {
    RunRecord running = store.createRun(NewRun.of("long"));
    store.transitionRun(running.id(), RunEvent.START);
    String path = "/api/runs/" + running.id() + "/stop";
    assertError(post(path, null), 401,
        "this endpoint changes state: send the viewer's token in the X-Kiln-Token header");
    assertError(post(path, "wrong"), 401, "wrong token");
    assertThat(store.run(running.id()).status().name()).isEqualTo("RUNNING");
    HttpResponse<String> ok = post(path, TOKEN);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).get("status").asText()).isEqualTo("STOPPED");
    assertThat(store.run(running.id()).status().name()).isEqualTo("STOPPED");
    HttpResponse<String> again = post(path, TOKEN);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(again.body()).get("error").asText()).contains(running.id());
    assertThat(post("/api/runs/00000000-0000-0000-0000-000000000000/stop", TOKEN).statusCode())
        .isEqualTo(404);
    HttpResponse<String> bearer =
        http.send(
            HttpRequest.newBuilder(uri("/api/hooks/test"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("push"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bearer.body()).isEqualTo("hooked push");
    assertThat(get("/api/runs/" + running.id() + "/stop").statusCode()).isIn(404, 405);
  }

  @Test
  void withoutATokenTheViewerIsReadOnly() throws Exception {
    RunRecord running = store.createRun(NewRun.of("guarded"));
    try (LineageServer readOnly = LineageServer.start(store, new WebConfig("127.0.0.1", 0, null))) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(readOnly.baseUrl() + "/api/runs/" + running.id() + "/stop"))
                  .header(LineageServer.TOKEN_HEADER, "anything")
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(r, 403,
          "this viewer was started without a token, so it is read-only; start it with --token (or"
              + " KILN_TOKEN) to allow this");
    }
    assertThat(store.run(running.id()).status().name()).isEqualTo("CREATED");
  }

  @Test
  void aTakenPortIsAClearError() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(
              () -> LineageServer.start(store, new WebConfig("127.0.0.1", taken.getLocalPort(), null)))
          .isInstanceOf(WebServerException.class)
          .hasMessageStartingWith("cannot start the viewer on 127.0.0.1:" + taken.getLocalPort() + ": ")
          .hasMessageEndingWith("(is the port in use? choose another with --port)");
    }
  }

  // ---------------------------------------------------------------- front end

  @Test
  void thePagesAndLibrariesComeFromTheServer() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<script src=\"/app.js\"").contains("/webjars/chart.js/");
    assertThat(index.body()).doesNotContain("https://");
    assertThat(index.headers().firstValue("Content-Security-Policy")).get().asString()
        .contains("script-src 'self'");
    HttpResponse<String> chart = get("/webjars/chart.js/4.4.1/dist/chart.umd.js");
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.body()).contains("Chart");
    assertThat(get("/app.js").statusCode()).isEqualTo(200);
    assertThat(get("/app.js").body()).doesNotContain("innerHTML");
    assertThat(get("/app.css").statusCode()).isEqualTo(200);
  }

  @Test
  void bindsToLoopbackByDefault() {
    assertThat(WebConfig.defaults().bindHost()).isEqualTo("127.0.0.1");
    assertThat(WebConfig.defaults().port()).isEqualTo(8080);
    assertThat(server.baseUrl()).startsWith("http://127.0.0.1:");
    assertThat(new WebConfig("127.0.0.1", 1, "x").toString()).doesNotContain("x]").contains("token=set");
  }


  // ---------------------------------------------------------------- hosts, caching, errors

  @Test
  void onlyTheViewersOwnHostNamesAreAnswered() throws Exception {
    RawResponse evil = raw("GET /api/runs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assertThat(evil.status).as(evil.head).isEqualTo(421);
    assertThat(evil.header("content-type")).startsWith("application/json");
    JsonNode body = JSON.readTree(evil.body);
    assertThat(body.get("status").asInt()).isEqualTo(421);
    assertThat(body.get("error").asText())
        .isEqualTo("this viewer does not answer for host 'evil.example'; open it as localhost or its"
            + " bound address, or start kiln serve with --allowed-host NAME");
    assertThat(evil.body).doesNotContain("alpha");
    int port = server.port();
    for (String attack : List.of("evil.example:" + port, "127.0.0.1.evil.example", "localhost.evil.example:" + port)) {
      assertThat(raw("GET / HTTP/1.1\r\nHost: " + attack + "\r\nConnection: close\r\n\r\n").status)
          .as(attack).isEqualTo(421);
    }
    for (String ok : List.of("localhost:" + port, "localhost", "LOCALHOST.", "127.0.0.1:" + port, "[::1]:" + port)) {
      RawResponse r = raw("GET /api/runs HTTP/1.1\r\nHost: " + ok + "\r\nConnection: close\r\n\r\n");
      assertThat(r.status).as(ok + " -> " + r.body).isEqualTo(200);
      assertThat(r.body).contains("alpha");
    }
    assertThat(raw("GET /app.css HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n").status)
        .isEqualTo(200);
    assertThat(raw("GET /app.css HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").status)
        .isEqualTo(421);
  }

  @Test
  void allowedHostsAddNames() throws Exception {
    WebConfig config = new WebConfig("127.0.0.1", 0, null, List.of("kiln.example.org"));
    try (LineageServer named = LineageServer.start(store, config)) {
      assertThat(raw(named, "GET /api/runs HTTP/1.1\r\nHost: kiln.example.org:8443\r\nConnection: close\r\n\r\n").status)
          .isEqualTo(200);
      assertThat(raw(named, "GET /api/runs HTTP/1.1\r\nHost: Kiln.Example.Org\r\nConnection: close\r\n\r\n").status)
          .isEqualTo(200);
      assertThat(raw(named, "GET /api/runs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").status)
          .isEqualTo(421);
    }
    assertThatThrownBy(() -> new WebConfig("127.0.0.1", 0, null, List.of("http://x/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an allowed host is a bare name or address such as kiln.example.org, got 'http://x/'");
  }

  @Test
  void onlyContentAddressedDownloadsAreImmutable() throws Exception {
    String path = "/api/executions/" + alpha.train.id() + "/outputs/model.bin";
    HttpResponse<byte[]> byPath = getBytes(path);
    assertThat(byPath.statusCode()).isEqualTo(200);
    assertThat(byPath.headers().firstValue("Cache-Control")).contains("private, no-cache");
    String etag = byPath.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[0-9a-f]{64}\"");
    HttpResponse<byte[]> again =
        http.send(
            HttpRequest.newBuilder(uri(path)).header("If-None-Match", etag).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    HttpResponse<byte[]> other =
        http.send(
            HttpRequest.newBuilder(uri(path)).header("If-None-Match", "\"" + "0".repeat(64) + "\"").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(new String(other.body(), StandardCharsets.UTF_8)).isEqualTo("weights alpha0.1");

    HttpResponse<byte[]> bySha = getBytes("/api/artifacts/" + alpha.data.sha256() + "/content?name=data.csv");
    assertThat(bySha.headers().firstValue("Cache-Control")).contains("private, max-age=31536000, immutable");
    assertThat(bySha.headers().firstValue("ETag")).contains("\"" + alpha.data.sha256() + "\"");
  }

  @Test
  void aBodyTooLargeIsAJson413() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/api/hooks/test"))
                .header(LineageServer.TOKEN_HEADER, TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2_000_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
    assertError(r, 413, "request body too large: the limit is 1000000 bytes");
  }

  @Test
  void requestsJettyCannotParseAreJson400() throws Exception {
    int port = server.port();
    for (String bad :
        List.of(
            "GET /api/runs HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET /api/runs HTTP/1.1\r\nHost: localhost:" + port + "\r\nNo colon here\r\nConnection: close\r\n\r\n",
            "GET /api/runs%zz HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n")) {
      RawResponse r = raw(bad);
      assertThat(r.status).as(bad + " -> " + r.head + r.body).isEqualTo(400);
      assertThat(r.header("content-type")).as(bad).startsWith("application/json");
      JsonNode body = JSON.readTree(r.body);
      assertThat(body.get("status").asInt()).isEqualTo(400);
      assertThat(body.get("error").asText()).isNotBlank();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A response read from a plain socket: java.net.http will not send a Host header of our choice. */
  private record RawResponse(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return "";
    }
  }

  private RawResponse raw(String request) throws IOException {
    return raw(server, request);
  }

  private static RawResponse raw(LineageServer target, String request) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", target.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      String head = split < 0 ? all : all.substring(0, split);
      String body = split < 0 ? "" : all.substring(split + 4);
      RawResponse r = new RawResponse(Integer.parseInt(head.split(" ")[1]), head, body);
      if (r.header("transfer-encoding").equalsIgnoreCase("chunked")) {
        StringBuilder out = new StringBuilder();
        String rest = body;
        while (true) {
          int eol = rest.indexOf("\r\n");
          int size = Integer.parseInt(rest.substring(0, eol).strip(), 16);
          if (size == 0) {
            break;
          }
          out.append(rest, eol + 2, eol + 2 + size);
          rest = rest.substring(eol + 2 + size + 2);
        }
        r = new RawResponse(r.status, head, out.toString());
      }
      return r;
    }
  }

  private static String name(JsonNode n) {
    return n.get("kind").asText().equals("execution") ? n.get("nodeName").asText() : n.get("name").asText();
  }

  private static List<String> ids(JsonNode items) {
    List<String> ids = new ArrayList<>();
    items.forEach(i -> ids.add(i.get("id").asText()));
    return ids;
  }

  private URI uri(String path) {
    return URI.create(server.baseUrl() + path);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> post(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header(LineageServer.TOKEN_HEADER, token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
    return JSON.readTree(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String message) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asText()).isEqualTo(message);
  }
}
