package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.RunQuery;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln tune} with an AI Platform config, killed with SIGKILL in its third trial and
 * finished by {@code kiln resume}: the finished trials are kept, the interrupted one runs again,
 * and the job reaches maxTrials; {@code kiln show} lists the trials and the best.
 */
class TuneIT {
  @TempDir Path dir;

  private static final String STEP =
      """
      - step:
          name: quad
          image: busybox
          command:
            - echo run >> {parameter-value:marks}/count
            - "if [ $(wc -l < {parameter-value:marks}/count) -eq 3 ]; then touch {parameter-value:marks}/third.started; sleep 120; fi"
            - X={parameter-value:learning_rate}
            - 'awk -v x=$X ''BEGIN { printf "{\\"loss\\": %.8f}\\n", (log(x) / log(10) + 2) ^ 2 }'''
            - echo $X > /valohai/outputs/model.txt
          parameters:
            - name: learning_rate
              type: float
              default: 0.5
            - name: marks
              type: string
      """;

  private static final String TASK_PIPELINE =
      STEP
          + """
      - step:
          name: use
          image: busybox
          command:
            - echo using $(cat /valohai/inputs/model/model.txt)
          inputs:
            - name: model
      - task:
          name: lr-search
          step: quad
          type: random_search
          execution-count: 4
          execution-batch-size: 1
          Kiln:metric: loss
          Kiln:goal: minimize
          parameters:
            - name: learning_rate
              style: random
              rules:
                min: 0.0001
                max: 1.0
                distribution: log-uniform
      - pipeline:
          name: tuned
          parameters:
            - name: marks
              targets: [search.parameter.marks]
          nodes:
            - name: search
              type: task
              step: quad
              task: lr-search
            - name: use
              type: execution
              step: use
          edges:
            - [search.output.model.txt, use.input.model]
      """;

  private static final String CONFIG =
      """
      trainingInput:
        scaleTier: CUSTOM
        masterType: n1-standard-8
        hyperparameters:
          goal: MINIMIZE
          hyperparameterMetricTag: loss
          maxTrials: 5
          maxParallelTrials: 1
          params:
            - parameterName: learning_rate
              type: DOUBLE
              minValue: 0.0001
              maxValue: 1.0
              scaleType: UNIT_LOG_SCALE
      """;

  @Test
  void sigkillInATrialThenResumeReachesMaxTrialsWithoutRerunningFinishedOnes() throws Exception {
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path yaml = Files.writeString(dir.resolve("valohai.yaml"), STEP);
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);
    Path home = dir.resolve("home");
    Map<String, String> env = Map.of("KILN_HOME", home.toString());

    Process tune =
        KilnProcess.start(
            dir, env, dir.resolve("tune.log"), "tune", "--file", yaml.toString(), "--step", "quad",
            "--config", config.toString(), "--param", "marks=" + marks);
    waitFor(marks.resolve("third.started"), tune, dir.resolve("tune.log"));
    KilnProcess.killTree(tune);
    tune.waitFor(30, TimeUnit.SECONDS);
    String firstLog = Files.readString(dir.resolve("tune.log"));
    assertThat(firstLog).contains("does not apply").contains("masterType");

    String runId;
    List<String> finishedBefore;
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      List<RunRecord> runs = store.listRuns(RunQuery.newest()).items();
      assertThat(runs).hasSize(1);
      runId = runs.get(0).id();
      assertThat(runs.get(0).pipeline()).isEqualTo("tune:quad");
      ExecutionRecord task = store.findExecution(runId, "quad").orElseThrow();
      List<ExecutionRecord> trials = store.trials(task.id());
      assertThat(trials).extracting(ExecutionRecord::status)
          .containsExactly(
              ExecutionStatus.SUCCEEDED, ExecutionStatus.SUCCEEDED, ExecutionStatus.RUNNING);
      finishedBefore = trials.subList(0, 2).stream().map(ExecutionRecord::id).toList();
    }

    Process resume = KilnProcess.start(dir, env, dir.resolve("resume.log"), "resume", runId);
    assertThat(resume.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("resume.log"));
    assertThat(resume.exitValue()).as(log).isZero();
    assertThat(log.strip()).endsWith(runId);
    // Five trials in all; the interrupted third ran again; the first two did not.
    assertThat(Files.readAllLines(marks.resolve("count"))).hasSize(6);
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      assertThat(store.run(runId).status()).isEqualTo(RunStatus.SUCCEEDED);
      ExecutionRecord task = store.findExecution(runId, "quad").orElseThrow();
      List<ExecutionRecord> trials = store.trials(task.id());
      assertThat(trials).hasSize(5).allMatch(t -> t.status() == ExecutionStatus.SUCCEEDED);
      assertThat(trials.stream().map(ExecutionRecord::id)).containsAll(finishedBefore);
      assertThat(store.bestTrial(task.id())).isPresent();
    }

    Result show = kiln(env, "show", runId);
    assertThat(show.exitCode()).as(show.stderr()).isZero();
    assertThat(show.stdout())
        .contains("tuning loss (MINIMIZE), ALGORITHM_UNSPECIFIED, 5 trials, 1 at a time")
        .contains("best: trial ");
    Result json = kiln(env, "show", runId, "--json");
    JsonNode jobs = new ObjectMapper().readTree(json.stdout()).path("tuningJobs");
    assertThat(jobs).hasSize(1);
    JsonNode trials = jobs.get(0).path("trials");
    assertThat(trials).hasSize(5);
    int best = 0;
    double bestLoss = Double.MAX_VALUE;
    for (JsonNode t : trials) {
      double loss = t.path("finalMetric").path("objectiveValue").asDouble();
      if (t.path("isBest").asBoolean()) {
        best++;
      }
      bestLoss = Math.min(bestLoss, loss);
    }
    assertThat(best).isEqualTo(1);
    for (JsonNode t : trials) {
      if (t.path("isBest").asBoolean()) {
        assertThat(t.path("finalMetric").path("objectiveValue").asDouble()).isEqualTo(bestLoss);
      }
    }
    assertThat(jobs.get(0).path("hyperparameters").path("params").get(0).path("scaleType").asText())
        .isEqualTo("UNIT_LOG_SCALE");
  }

  @Test
  void aBadConfigIsALocatedErrorAndNothingRuns() throws Exception {
    Path yaml = Files.writeString(dir.resolve("valohai.yaml"), STEP);
    Path config =
        Files.writeString(
            dir.resolve("config.yaml"), CONFIG.replace("parameterName: learning_rate", "parameterName: learning_rat"));
    Path home = dir.resolve("home");
    Result c =
        kiln(
            Map.of("KILN_HOME", home.toString()), "tune", "--file", yaml.toString(), "--step",
            "quad", "--config", config.toString());
    assertThat(c.exitCode()).isEqualTo(2);
    assertThat(c.stderr())
        .contains(config + ":")
        .contains("learning_rat")
        .contains("did you mean \"learning_rate\"");
    assertThat(c.stdout()).isEmpty();
  }

  @Test
  void aValohaiTaskNodeIsTunedKilledResumedAndItsBestModelGoesDownstream() throws Exception {
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path yaml = Files.writeString(dir.resolve("valohai.yaml"), TASK_PIPELINE);
    Path home = dir.resolve("home");
    Map<String, String> env = Map.of("KILN_HOME", home.toString());
    Process run =
        KilnProcess.start(
            dir, env, dir.resolve("run.log"), "run", "--file", yaml.toString(), "--pipeline",
            "tuned", "--param", "marks=" + marks);
    waitFor(marks.resolve("third.started"), run, dir.resolve("run.log"));
    KilnProcess.killTree(run);
    run.waitFor(30, TimeUnit.SECONDS);
    String runId;
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      runId = store.listRuns(RunQuery.newest()).items().get(0).id();
      ExecutionRecord task = store.findExecution(runId, "search").orElseThrow();
      assertThat(store.trials(task.id())).hasSize(3);
    }
    Process resume = KilnProcess.start(dir, env, dir.resolve("resume.log"), "resume", runId);
    assertThat(resume.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("resume.log"));
    assertThat(resume.exitValue()).as(log).isZero();
    assertThat(Files.readAllLines(marks.resolve("count"))).hasSize(5);
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      ExecutionRecord task = store.findExecution(runId, "search").orElseThrow();
      assertThat(store.trials(task.id())).hasSize(4)
          .allMatch(t -> t.status() == ExecutionStatus.SUCCEEDED);
      String best = store.bestTrial(task.id()).orElseThrow();
      String bestRate =
          store.executionDetail(best).parameters().stream()
              .filter(p -> p.name().equals("learning_rate"))
              .findFirst()
              .orElseThrow()
              .valueJson();
      ExecutionRecord use = store.findExecution(runId, "use").orElseThrow();
      assertThat(store.executionDetail(use.id()).inputs().get(0).producingExecutionId())
          .isEqualTo(best);
      assertThat(store.logLines(use.id(), 0, 100))
          .anySatisfy(l -> assertThat(l.text()).startsWith("using ").contains(bestRate.substring(0, 6)));
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result kiln(Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = KilnProcess.startSplit(dir, env, out, err, args);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void waitFor(Path file, Process p, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (!Files.exists(file)) {
      if (!p.isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("the third trial never started:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }
}
