package dev.kiln.runner.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.Direction;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrchestratorTest {
  @TempDir Path home;
  LineageStore store;
  Orchestrator orchestrator;

  static final Step PRODUCE =
      Step.command(
              "produce",
              "mkdir -p $VH_OUTPUTS_DIR/data",
              "echo {parameter-value:word} > $VH_OUTPUTS_DIR/data/greeting.txt",
              "echo '{\"score\": 0.75, \"step\": 1}'",
              "echo '{\"score\": 0.9, \"step\": 2}'",
              "echo progress >&2")
          .addParameter(
              ParameterSpec.builder("word", ParameterType.STRING).optDefault("hello").build())
          .build();

  static final Step CONSUME =
      Step.command(
              "consume",
              "cat $VH_INPUTS_DIR/data/greeting.txt",
              "echo threshold={parameter-value:threshold}",
              "cp $VH_INPUTS_DIR/data/greeting.txt $VH_OUTPUTS_DIR/copy.txt")
          .addInput(InputSpec.of("data"))
          .addParameter(ParameterSpec.builder("threshold", ParameterType.FLOAT).optDefault(0.5).build())
          .build();

  static final Step FAIL = Step.command("fail", "echo about to fail", "exit 3").build();

  static Edge edge(String from, String to) {
    String[] a = from.split("\\.", 3);
    String[] b = to.split("\\.", 3);
    return Edge.of(
        new EdgeEnd(a[0], PortKind.fromYamlName(a[1]).orElseThrow(), a[2]),
        new EdgeEnd(b[0], PortKind.fromYamlName(b[1]).orElseThrow(), b[2]));
  }

  static Node node(String name, String step, OnError onError) {
    return new Node.Execution(
        name, step, StepOverride.NONE, onError, EdgeMergeMode.REPLACE, List.of(), Map.of());
  }

  @BeforeEach
  void open() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    orchestrator =
        new Orchestrator(
            store,
            OrchestratorConfig.of(home, home).withSlots(2, 0),
            Map.of(ExecutorKind.PROCESS, new ProcessExecutor(Map.of())),
            Console.SILENT);
  }

  @AfterEach
  void close() {
    orchestrator.close();
    store.close();
  }

  Plan plan(Pipeline p, Step... steps) {
    return Planner.plan(Project.of(List.of(steps), List.of(p)), p, Map.of(), Map.of());
  }

  ExecutionDetail detail(RunDetail run, String node) {
    return run.executions().stream()
        .filter(e -> e.execution().nodeName().equals(node))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void runsNodesInOrderAndRecordsEverything() {
    Pipeline p =
        new Pipeline(
            "chain",
            List.of(node("produce", "produce", OnError.STOP_ALL), node("consume", "consume", OnError.STOP_ALL)),
            List.of(
                edge("produce.output.data/*", "consume.input.data"),
                edge("produce.metadata.score", "consume.parameter.threshold")),
            List.of(),
            false,
            Map.of());
    RunResult result = orchestrator.run(plan(p, PRODUCE, CONSUME), RunOptions.of("test"));
    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);

    RunDetail run = store.runDetail(result.runId(), true);
    ExecutionDetail produce = detail(run, "produce");
    ExecutionDetail consume = detail(run, "consume");
    assertThat(produce.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(produce.outputs()).extracting(o -> o.path()).containsExactly("data/greeting.txt");
    assertThat(produce.metadataCount()).isEqualTo(2);
    assertThat(produce.execution().exitCode()).isZero();
    // The metadata edge took the last value of "score".
    assertThat(consume.parameters())
        .anySatisfy(
            pv -> {
              assertThat(pv.name()).isEqualTo("threshold");
              assertThat(pv.valueJson()).isEqualTo("0.9");
            });
    assertThat(consume.inputs())
        .singleElement()
        .satisfies(
            in -> {
              assertThat(in.inputName()).isEqualTo("data");
              assertThat(in.producingExecutionId()).isEqualTo(produce.execution().id());
              assertThat(in.datumId()).isEqualTo(produce.outputs().get(0).datumId());
            });
    List<String> log =
        store.logLines(consume.execution().id(), 0, 100).stream().map(LogLine::text).toList();
    assertThat(log).contains("hello", "threshold=0.9");
    List<String> stderr =
        store.logLines(produce.execution().id(), 0, 100).stream()
            .filter(l -> l.stream().name().equals("STDERR"))
            .map(LogLine::text)
            .toList();
    assertThat(stderr).containsExactly("progress");
    // The copy is the same content as the original, so it is the same datum.
    assertThat(consume.outputs().get(0).sha256()).isEqualTo(produce.outputs().get(0).sha256());
    // Lineage answers where the copy came from.
    var up = store.lineage(consume.outputs().get(0).datumId(), Direction.UP, 5);
    assertThat(up.nodes()).isNotEmpty();
    // The Valohai contract files exist.
    Path dir = home.resolve("executions").resolve(consume.execution().id());
    assertThat(dir.resolve("config/parameters.json")).content().contains("\"threshold\" : 0.9");
    assertThat(dir.resolve("config/inputs.json")).exists();
    assertThat(dir.resolve("config/execution.json")).content().contains(result.runId());
  }

  @Test
  void stopAllSkipsTheRestAndFailsTheRun() {
    Pipeline p =
        new Pipeline(
            "failing",
            List.of(node("fail", "fail", OnError.STOP_ALL), node("consume", "consume", OnError.STOP_ALL)),
            List.of(edge("fail.output.data/*", "consume.input.data")),
            List.of(),
            false,
            Map.of());
    RunResult result = orchestrator.run(plan(p, FAIL, CONSUME), RunOptions.of("test"));
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    RunDetail run = store.runDetail(result.runId());
    assertThat(detail(run, "fail").execution().status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(detail(run, "fail").execution().exitCode()).isEqualTo(3);
    assertThat(detail(run, "consume").execution().status()).isEqualTo(ExecutionStatus.SKIPPED);
  }

  @Test
  void continueLetsIndependentNodesFinish() {
    Pipeline p =
        new Pipeline(
            "tolerant",
            List.of(node("fail", "fail", OnError.CONTINUE), node("produce", "produce", OnError.STOP_ALL)),
            List.of(),
            List.of(),
            false,
            Map.of());
    RunResult result = orchestrator.run(plan(p, FAIL, PRODUCE), RunOptions.of("test"));
    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    RunDetail run = store.runDetail(result.runId());
    assertThat(detail(run, "produce").execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(detail(run, "fail").execution().status()).isEqualTo(ExecutionStatus.FAILED);
  }

  @Test
  void retryRunsAFailingNodeAgainWithBackoff() throws Exception {
    Path marker = home.resolve("attempts.txt");
    Step flaky =
        Step.command(
                "flaky",
                "echo x >> " + marker,
                "test $(wc -l < " + marker + ") -ge 3",
                "echo done > $VH_OUTPUTS_DIR/ok.txt")
            .build();
    Pipeline p =
        new Pipeline(
            "retrying", List.of(node("flaky", "flaky", OnError.RETRY)), List.of(), List.of(), false,
            Map.of());
    RunResult result =
        orchestrator.run(
            plan(p, flaky), RunOptions.of("test").withRetries(2, Duration.ofMillis(50)));
    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(Files.readAllLines(marker)).hasSize(3);
    var e = detail(store.runDetail(result.runId()), "flaky").execution();
    assertThat(e.attempt()).isEqualTo(3);
    // The failed attempts' outputs directories are kept aside, not lost.
    assertThat(home.resolve("executions").resolve(e.id()).resolve("outputs/ok.txt")).exists();
  }

  @Test
  void reuseSkipsWorkWhoseCacheKeyMatches() throws Exception {
    Path counter = home.resolve("runs.txt");
    Step counted =
        Step.command("counted", "echo x >> " + counter, "echo out > $VH_OUTPUTS_DIR/o.txt").build();
    Pipeline p =
        new Pipeline(
            "cached", List.of(node("counted", "counted", OnError.STOP_ALL)), List.of(), List.of(),
            true, Map.of());
    RunResult first = orchestrator.run(plan(p, counted), RunOptions.of("test"));
    RunResult second = orchestrator.run(plan(p, counted), RunOptions.of("test"));
    assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(Files.readAllLines(counter)).hasSize(1);
    ExecutionDetail reused = detail(store.runDetail(second.runId()), "counted");
    assertThat(reused.execution().status()).isEqualTo(ExecutionStatus.REUSED);
    assertThat(reused.reusedFromExecutionId())
        .isEqualTo(detail(store.runDetail(first.runId()), "counted").execution().id());
    assertThat(reused.outputs()).extracting(o -> o.path()).containsExactly("o.txt");

    // A damaged artifact is not reused: the step runs again.
    Path stored = store.artifacts().resolve(reused.outputs().get(0).datumId());
    stored.toFile().setWritable(true);
    Files.writeString(stored, "damaged");
    RunResult third = orchestrator.run(plan(p, counted), RunOptions.of("test"));
    assertThat(third.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(Files.readAllLines(counter)).hasSize(2);
  }

  @Test
  void aMissingCommandFailsWithItsName() {
    Step missing = Step.command("missing", "kiln-no-such-tool --go").build();
    Pipeline p =
        new Pipeline(
            "missing", List.of(node("m", "missing", OnError.STOP_ALL)), List.of(), List.of(), false,
            Map.of());
    RunResult result = orchestrator.run(plan(p, missing), RunOptions.of("test"));
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    var e = detail(store.runDetail(result.runId()), "m").execution();
    assertThat(e.exitCode()).isEqualTo(127);
    assertThat(e.errorMessage()).contains("not found");
    assertThat(store.logLines(e.id(), 0, 10))
        .anySatisfy(l -> assertThat(l.text()).contains("kiln-no-such-tool"));
  }

  @Test
  void stopKillsRunningStepsAndRecordsTheRunAsStopped() throws Exception {
    Step slow = Step.command("slow", "echo started", "sleep 60").build();
    Pipeline p =
        new Pipeline(
            "slow", List.of(node("slow", "slow", OnError.STOP_ALL)), List.of(), List.of(), false,
            Map.of());
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                return;
              }
              orchestrator.stop("stopped by the test");
            });
    stopper.start();
    RunResult result = orchestrator.run(plan(p, slow), RunOptions.of("test"));
    assertThat(result.status()).isEqualTo(RunStatus.STOPPED);
    var e = detail(store.runDetail(result.runId()), "slow").execution();
    assertThat(e.status()).isEqualTo(ExecutionStatus.STOPPED);
  }
}
