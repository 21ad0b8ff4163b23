package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.EventRecord;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.RunDetail;
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
 * The orchestrator is killed with SIGKILL in the middle of a run; {@code kiln resume} finishes it:
 * finished nodes are not run again, the interrupted one is, and no record is lost or duplicated.
 */
class CrashResumeIT {
  @TempDir Path dir;

  private static final String PIPELINE =
      """
      - step:
          name: first
          image: busybox
          command:
            - echo run >> {parameter-value:marks}/first.count
            - echo one > /valohai/outputs/one.txt
          parameters:
            - name: marks
              type: string
      - step:
          name: slow
          image: busybox
          command:
            - echo run >> {parameter-value:marks}/slow.count
            - touch {parameter-value:marks}/slow.started
            - "if [ $(wc -l < {parameter-value:marks}/slow.count) -lt 2 ]; then sleep 120; fi"
            - cat /valohai/inputs/one/one.txt > /valohai/outputs/two.txt
          inputs:
            - name: one
          parameters:
            - name: marks
              type: string
      - step:
          name: last
          image: busybox
          command:
            - echo run >> {parameter-value:marks}/last.count
            - cat /valohai/inputs/two/two.txt
          inputs:
            - name: two
          parameters:
            - name: marks
              type: string
      - pipeline:
          name: crash
          parameters:
            - name: marks
              targets: [first.parameter.marks, slow.parameter.marks, last.parameter.marks]
          nodes:
            - name: first
              type: execution
              step: first
            - name: slow
              type: execution
              step: slow
            - name: last
              type: execution
              step: last
          edges:
            - [first.output.one.txt, slow.input.one]
            - [slow.output.two.txt, last.input.two]
      """;

  @Test
  void sigkillThenResumeFinishesTheRunWithoutRunningAnythingTwice() throws Exception {
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path yaml = Files.writeString(dir.resolve("valohai.yaml"), PIPELINE);
    Path home = dir.resolve("home");
    Map<String, String> env = Map.of("KILN_HOME", home.toString());

    Process run = startUntilSlowRuns(env, yaml, marks);
    KilnProcess.killTree(run);
    run.waitFor(30, TimeUnit.SECONDS);

    String runId;
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      List<RunRecord> runs = store.listRuns(RunQuery.newest()).items();
      assertThat(runs).hasSize(1);
      runId = runs.get(0).id();
      assertThat(runs.get(0).status()).isEqualTo(RunStatus.RUNNING);
      RunDetail d = store.runDetail(runId);
      assertThat(status(d, "first")).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(status(d, "slow")).isEqualTo(ExecutionStatus.RUNNING);
      assertThat(status(d, "last")).isIn(ExecutionStatus.CREATED, ExecutionStatus.QUEUED);
    }

    Process resume =
        KilnProcess.start(dir, env, dir.resolve("resume.log"), "resume", runId);
    assertThat(resume.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("resume.log"));
    assertThat(resume.exitValue()).as(log).isZero();
    assertThat(log.strip()).endsWith(runId);

    assertThat(Files.readAllLines(marks.resolve("first.count"))).hasSize(1);
    assertThat(Files.readAllLines(marks.resolve("slow.count"))).hasSize(2);
    assertThat(Files.readAllLines(marks.resolve("last.count"))).hasSize(1);
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      RunDetail d = store.runDetail(runId);
      assertThat(d.run().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(d.executions()).hasSize(3);
      assertThat(d.executions()).allMatch(e -> e.execution().status() == ExecutionStatus.SUCCEEDED);
      ExecutionDetail first = detail(d, "first");
      ExecutionDetail slow = detail(d, "slow");
      assertThat(first.execution().attempt()).isEqualTo(1);
      assertThat(slow.execution().attempt()).isEqualTo(2);
      assertThat(first.outputs()).hasSize(1);
      assertThat(slow.inputs()).hasSize(1);
      assertThat(slow.outputs()).hasSize(1);
      assertThat(detail(d, "last").inputs().get(0).producingExecutionId())
          .isEqualTo(slow.execution().id());
      List<EventRecord> events = store.events(runId);
      assertThat(events.stream().filter(e -> "START".equals(e.event())).count())
          .as("starts: first once, slow twice, last once, the run once")
          .isEqualTo(5);
    }
  }

  @Test
  void aStepDoesNotOutliveAnOrchestratorKilledWithSigkill() throws Exception {
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path yaml = Files.writeString(dir.resolve("valohai.yaml"), PIPELINE);
    Path home = dir.resolve("home");
    Map<String, String> env = Map.of("KILN_HOME", home.toString());
    Process run = startUntilSlowRuns(env, yaml, marks);
    List<ProcessHandle> step = run.descendants().toList();
    assertThat(step).isNotEmpty();
    run.destroyForcibly(); // only the orchestrator's JVM, not its children
    run.waitFor(30, TimeUnit.SECONDS);
    // The step's process group goes with it: nothing is left to write into a later attempt.
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (step.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(step).noneMatch(ProcessHandle::isAlive);

    String runId;
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      runId = store.listRuns(RunQuery.newest()).items().get(0).id();
    }
    Process resume = KilnProcess.start(dir, env, dir.resolve("resume.log"), "resume", runId);
    assertThat(resume.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(resume.exitValue()).as(Files.readString(dir.resolve("resume.log"))).isZero();
    assertThat(Files.readAllLines(marks.resolve("slow.count"))).hasSize(2);

    // Resuming a run that already succeeded says so.
    Process again = KilnProcess.start(dir, env, dir.resolve("again.log"), "resume", runId);
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).isZero();
    assertThat(Files.readString(dir.resolve("again.log"))).contains("already succeeded");
    assertThat(Files.readAllLines(marks.resolve("slow.count"))).hasSize(2);
  }

  @Test
  void sigtermStopsTheRunCleanlyAndRecordsItAsStopped() throws Exception {
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path yaml = Files.writeString(dir.resolve("valohai.yaml"), PIPELINE);
    Path home = dir.resolve("home");
    Process run = startUntilSlowRuns(Map.of("KILN_HOME", home.toString()), yaml, marks);
    run.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops the run
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as("a stopped run exits 1, not the JVM's 143").isEqualTo(1);
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      RunRecord r = store.listRuns(RunQuery.newest()).items().get(0);
      assertThat(r.status()).isEqualTo(RunStatus.STOPPED);
      RunDetail d = store.runDetail(r.id());
      assertThat(status(d, "first")).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(status(d, "slow")).isEqualTo(ExecutionStatus.STOPPED);
      assertThat(status(d, "last")).isEqualTo(ExecutionStatus.STOPPED);
    }
    // The killed step's sleep is gone too.
    assertThat(ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().orElse("").contains("sleep 120"))
            .count())
        .isZero();
  }

  /** Starts {@code kiln run} of the crash pipeline and returns once its slow step runs. */
  private Process startUntilSlowRuns(Map<String, String> env, Path yaml, Path marks)
      throws Exception {
    Process run =
        KilnProcess.start(
            dir, env, dir.resolve("run.log"), "run", "--file", yaml.toString(), "--pipeline",
            "crash", "--param", "marks=" + marks);
    waitFor(marks.resolve("slow.started"), run, dir.resolve("run.log"));
    return run;
  }

  private static void waitFor(Path file, Process p, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!Files.exists(file)) {
      if (!p.isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("the step never started:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  private static ExecutionDetail detail(RunDetail d, String node) {
    return d.executions().stream()
        .filter(e -> e.execution().nodeName().equals(node))
        .findFirst()
        .orElseThrow();
  }

  private static ExecutionStatus status(RunDetail d, String node) {
    return detail(d, node).execution().status();
  }
}
