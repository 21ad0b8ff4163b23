package dev.kiln.lineage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionUpdate;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewMetadata;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/executions/ID/tuning} against tuning jobs written through the store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TuningApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** AI Platform's hyperparameters shape, as the runner's TuningSpecJson writes it. */
  static final String SPEC =
      """
      {"goal": "MAXIMIZE", "hyperparameterMetricTag": "accuracy", "maxTrials": 4,
       "maxParallelTrials": 2, "maxFailedTrials": 1, "enableTrialEarlyStopping": true,
       "algorithm": "RANDOM_SEARCH",
       "params": [
         {"parameterName": "initial_learning_rate", "type": "DOUBLE", "minValue": 0.001,
          "maxValue": 0.1, "scaleType": "UNIT_LOG_SCALE"},
         {"parameterName": "optimizer", "type": "CATEGORICAL",
          "categoricalValues": ["adam", "sgd"]}],
       "Kiln:metricValue": "LAST"}
      """;

  private static final String MIN_BEST_SPEC =
      """
      {"goal": "MINIMIZE", "hyperparameterMetricTag": "loss", "maxTrials": 3,
       "maxParallelTrials": 1, "params": [
         {"parameterName": "batch", "type": "DISCRETE", "discreteValues": [8, 16, 32]}],
       "Kiln:metricValue": "BEST"}
      """;

  @TempDir static Path home;

  private LineageStore store;
  private LineageServer server;
  private RunRecord run;
  private ExecutionRecord prepare;
  private ExecutionRecord task;
  private final List<ExecutionRecord> trials = new ArrayList<>();
  private ExecutionRecord minTask;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    run = store.createRun(NewRun.of("tuned"));
    store.transitionRun(run.id(), RunEvent.START);
    prepare = store.createExecution(NewExecution.of(run.id(), "prepare", "prepare"));
    store.queue(prepare.id());
    store.start(prepare.id(), "process", "cpu");
    store.succeed(prepare.id(), 0);

    task = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    store.recordTuningSpec(task.id(), SPEC);
    store.queue(task.id());
    store.start(task.id(), "tuning", "cpu");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    // 1: succeeded, entries with a step, last value 0.7
    trials.add(
        trial(task, 1, 0.001, "adam",
            List.of("{\"step\": 10, \"accuracy\": 0.5}", "{\"step\": 20, \"accuracy\": 0.6}",
                "{\"loss\": 3}", "{\"step\": 30, \"accuracy\": 0.7}"),
            ExecutionEvent.SUCCEED, t0));
    // 2: stopped early, entries with an epoch only; its partial metric counts
    trials.add(
        trial(task, 2, 0.05, "sgd",
            List.of("{\"epoch\": 1, \"accuracy\": 0.3}", "{\"epoch\": 2, \"accuracy\": 0.35}"),
            ExecutionEvent.STOP_EARLY, t0));
    // 3: succeeded, entries without step or epoch (x is their order), last value 0.85
    trials.add(
        trial(task, 3, 0.01, "adam",
            List.of("{\"accuracy\": 0.8}", "{\"accuracy\": 0.9}", "{\"accuracy\": \"n/a\"}",
                "{\"accuracy\": 0.85}"),
            ExecutionEvent.SUCCEED, t0));
    // 4: failed with a high value: it counts for nothing
    trials.add(
        trial(task, 4, 0.1, "sgd", List.of("{\"step\": 1, \"accuracy\": 0.99}"),
            ExecutionEvent.FAIL, t0));
    // 5: still running, nothing printed yet
    trials.add(trial(task, 5, 0.002, "sgd", List.of(), null, t0));

    minTask = store.createExecution(NewExecution.of(run.id(), "search", "train"));
    store.recordTuningSpec(minTask.id(), MIN_BEST_SPEC);
    store.queue(minTask.id());
    store.start(minTask.id(), "tuning", "cpu");
    ExecutionRecord m1 = store.createExecution(NewExecution.trialOf(minTask, 1));
    store.recordParameters(m1.id(), List.of(ParameterValue.of("batch", 16, "integer")));
    store.queue(m1.id());
    store.start(m1.id(), "process", "cpu");
    store.appendMetadata(
        m1.id(),
        List.of(
            new NewMetadata(t0, "{\"step\": 1, \"loss\": 0.5}"),
            new NewMetadata(t0, "{\"step\": 2, \"loss\": 0.2}"),
            new NewMetadata(t0, "{\"step\": 3, \"loss\": 0.4}")));
    store.succeed(m1.id(), 0);
    store.succeed(minTask.id(), 0);

    server = LineageServer.start(store, new WebConfig("127.0.0.1", 0, null));
  }

  private ExecutionRecord trial(
      ExecutionRecord parent, int n, double lr, String optimizer, List<String> metadata,
      ExecutionEvent end, Instant t0) {
    ExecutionRecord t = store.createExecution(NewExecution.trialOf(parent, n));
    store.recordParameters(
        t.id(),
        List.of(
            ParameterValue.of("initial_learning_rate", lr, "float"),
            ParameterValue.of("optimizer", optimizer, "string"),
            ParameterValue.of("epochs", 3, "integer")));
    store.queue(t.id());
    store.start(t.id(), "process", "cpu");
    List<NewMetadata> entries = new ArrayList<>();
    for (int i = 0; i < metadata.size(); i++) {
      entries.add(new NewMetadata(t0.plusSeconds(i), metadata.get(i)));
    }
    if (!entries.isEmpty()) {
      store.appendMetadata(t.id(), entries);
    }
    if (end == ExecutionEvent.FAIL) {
      store.fail(t.id(), 1, "CUDA out of memory");
    } else if (end != null) {
      store.transitionExecution(t.id(), end, ExecutionUpdate.exited(0));
    }
    return store.execution(t.id());
  }

  @AfterAll
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void aTuningJobHasItsSpecTrialsMetricsCurvesAndBestSoFar() throws Exception {
    JsonNode v = getJson("/api/executions/" + task.id() + "/tuning");
    assertThat(v.get("executionId").asText()).isEqualTo(task.id());
    assertThat(v.get("runId").asText()).isEqualTo(run.id());
    assertThat(v.get("nodeName").asText()).isEqualTo("train");
    assertThat(v.get("status").asText()).isEqualTo("RUNNING");
    assertThat(v.get("finished").asBoolean()).isFalse();
    assertThat(v.get("metric").asText()).isEqualTo("accuracy");
    assertThat(v.get("goal").asText()).isEqualTo("MAXIMIZE");
    assertThat(v.get("metricValue").asText()).isEqualTo("LAST");
    // the spec comes parsed, as stored
    JsonNode spec = v.get("spec");
    assertThat(spec.get("maxTrials").asInt()).isEqualTo(4);
    assertThat(spec.get("params").get(0).get("scaleType").asText()).isEqualTo("UNIT_LOG_SCALE");
    assertThat(spec.get("params").get(1).get("categoricalValues").get(1).asText()).isEqualTo("sgd");

    JsonNode ts = v.get("trials");
    assertThat(ts).hasSize(5);
    List<Integer> numbers = new ArrayList<>();
    ts.forEach(t -> numbers.add(t.get("trial").asInt()));
    assertThat(numbers).containsExactly(1, 2, 3, 4, 5);
    JsonNode t1 = ts.get(0);
    assertThat(t1.get("executionId").asText()).isEqualTo(trials.get(0).id());
    assertThat(t1.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(t1.get("parameters").get("initial_learning_rate").asDouble()).isEqualTo(0.001);
    assertThat(t1.get("parameters").get("optimizer").asText()).isEqualTo("adam");
    assertThat(t1.get("parameters").get("epochs").asInt()).isEqualTo(3);
    assertThat(t1.get("metric").asDouble()).isEqualTo(0.7);
    assertThat(pairs(t1.get("curve"))).containsExactly("10.0:0.5", "20.0:0.6", "30.0:0.7");
    assertThat(t1.get("startedAt").asText()).isEqualTo(trials.get(0).startedAt().toString());
    assertThat(t1.get("finishedAt").asText()).isEqualTo(trials.get(0).finishedAt().toString());
    assertThat(t1.get("durationSeconds").asDouble())
        .isEqualTo(
            Duration.between(trials.get(0).startedAt(), trials.get(0).finishedAt()).toMillis()
                / 1000.0);

    JsonNode t2 = ts.get(1);
    assertThat(t2.get("status").asText()).isEqualTo("STOPPED_EARLY");
    assertThat(t2.get("metric").asDouble()).isEqualTo(0.35);
    assertThat(pairs(t2.get("curve"))).containsExactly("1.0:0.3", "2.0:0.35");

    JsonNode t3 = ts.get(2);
    assertThat(t3.get("metric").asDouble()).isEqualTo(0.85);
    assertThat(pairs(t3.get("curve"))).containsExactly("0.0:0.8", "1.0:0.9", "2.0:0.85");

    JsonNode t4 = ts.get(3);
    assertThat(t4.get("status").asText()).isEqualTo("FAILED");
    assertThat(t4.get("metric").asDouble()).isEqualTo(0.99);
    assertThat(t4.get("errorMessage").asText()).isEqualTo("CUDA out of memory");

    JsonNode t5 = ts.get(4);
    assertThat(t5.get("status").asText()).isEqualTo("RUNNING");
    assertThat(t5.get("metric").isNull()).isTrue();
    assertThat(t5.get("curve")).isEmpty();
    assertThat(t5.get("finishedAt").isNull()).isTrue();
    // a running trial's time runs to now
    double sinceStart =
        Duration.between(trials.get(4).startedAt(), Instant.now()).toMillis() / 1000.0;
    assertThat(t5.get("durationSeconds").asDouble()).isBetween(0.0, sinceStart + 0.001);

    // no best recorded yet: the best finished trial counts (not the failed one's 0.99)
    assertThat(v.get("bestTrial").asText()).isEqualTo(trials.get(2).id());
    assertThat(pairs(v.get("bestSoFar"))).containsExactly("1.0:0.7", "2.0:0.7", "3.0:0.85");
  }

  @Test
  void aTrialsExecutionSaysItsNumberAndItsTask() throws Exception {
    JsonNode x = getJson("/api/executions/" + trials.get(3).id()).get("detail").get("execution");
    assertThat(x.get("trial").isInt()).as(x.toString()).isTrue();
    assertThat(x.get("trial").asInt()).isEqualTo(4);
    assertThat(x.get("parentId").asText()).isEqualTo(task.id());
    JsonNode node = getJson("/api/executions/" + task.id()).get("detail").get("execution");
    assertThat(node.get("trial").asInt()).isZero();
    assertThat(node.get("parentId").isNull()).isTrue();
  }

  @Test
  void theBestTrialTheStoreRecordedWins() throws Exception {
    ExecutionRecord other = store.createExecution(NewExecution.of(run.id(), "recorded", "train"));
    store.recordTuningSpec(other.id(), SPEC);
    store.queue(other.id());
    store.start(other.id(), "tuning", "cpu");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    ExecutionRecord a =
        trial(other, 1, 0.01, "adam", List.of("{\"accuracy\": 0.9}"), ExecutionEvent.SUCCEED, t0);
    trial(other, 2, 0.02, "adam", List.of("{\"accuracy\": 0.95}"), ExecutionEvent.SUCCEED, t0);
    store.recordBestTrial(other.id(), a.id());
    JsonNode v = getJson("/api/executions/" + other.id() + "/tuning");
    assertThat(v.get("bestTrial").asText()).isEqualTo(a.id());
  }

  @Test
  void minimizingTheBestValueTakesEachTrialsLowest() throws Exception {
    JsonNode v = getJson("/api/executions/" + minTask.id() + "/tuning");
    assertThat(v.get("finished").asBoolean()).isTrue();
    assertThat(v.get("goal").asText()).isEqualTo("MINIMIZE");
    assertThat(v.get("metricValue").asText()).isEqualTo("BEST");
    JsonNode t = v.get("trials").get(0);
    assertThat(t.get("metric").asDouble()).isCloseTo(0.2, within(1e-12));
    assertThat(t.get("parameters").get("batch").asInt()).isEqualTo(16);
    assertThat(pairs(v.get("bestSoFar"))).containsExactly("1.0:0.2");
  }

  @Test
  void theRunGraphMarksTuningJobs() throws Exception {
    JsonNode g = getJson("/api/runs/" + run.id());
    List<String> tuned = new ArrayList<>();
    g.get("nodes").forEach(n -> {
      if (n.get("tuning").asBoolean()) {
        tuned.add(n.get("nodeName").asText());
      }
    });
    assertThat(tuned).contains("train", "search").doesNotContain("prepare");
    // the trials are not nodes of the graph
    assertThat(g.get("nodes")).noneMatch(n -> n.get("executionId").asText().equals(trials.get(0).id()));
  }

  @Test
  void whatIsNoTuningJobIs404Json() throws Exception {
    String nobody = "00000000-0000-0000-0000-000000000000";
    HttpResponse<String> r = get("/api/executions/" + nobody + "/tuning");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asInt()).isEqualTo(404);
    assertThat(body.get("error").asText()).contains(nobody);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");

    assertError(
        get("/api/executions/" + prepare.id() + "/tuning"),
        404,
        "execution " + prepare.id() + " (node \"prepare\") is not a tuning job: it has no tuning spec");
    assertError(
        get("/api/executions/" + trials.get(1).id() + "/tuning"),
        404,
        "execution " + trials.get(1).id() + " is trial 2 of node \"train\"; its tuning job is execution "
            + task.id());
  }

  private static List<String> pairs(JsonNode xs) {
    List<String> out = new ArrayList<>();
    xs.forEach(p -> out.add(p.get(0).asDouble() + ":" + p.get(1).asDouble()));
    return out;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String message)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asText()).isEqualTo(message);
  }
}
