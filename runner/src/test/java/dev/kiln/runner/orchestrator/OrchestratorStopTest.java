package dev.kiln.runner.orchestrator;

import static dev.kiln.runner.orchestrator.OrchestratorTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.runner.executor.InProcessJavaExecutor;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing node under on-error stop-all: what happens to its siblings, the store and resume. */
class OrchestratorStopTest {
  @TempDir Path home;
  LineageStore store;
  Orchestrator orchestrator;

  /** Logs as fast as it can until it is interrupted: every line is a write to the store. */
  public static final class Chatty implements StepFunction {
    static final Set<String> FINISHED = ConcurrentHashMap.newKeySet();

    @Override
    public void run(StepContext context) throws Exception {
      for (int i = 0; i < 200_000; i++) {
        context.log("line " + i);
        context.logMetrics(Map.of("step", i));
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      FINISHED.add(context.executionId());
    }
  }

  @BeforeEach
  void open() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    orchestrator =
        new Orchestrator(
            store,
            OrchestratorConfig.of(home, home).withSlots(4, 0),
            Map.of(
                ExecutorKind.PROCESS, new ProcessExecutor(Map.of()),
                ExecutorKind.BEAM,
                    new InProcessJavaExecutor(
                        ExecutorKind.BEAM, getClass().getClassLoader(), Map::of)),
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

  Map<String, ExecutionRecord> executions(String runId) {
    return store.executions(runId, Set.of()).stream()
        .collect(Collectors.toMap(ExecutionRecord::nodeName, e -> e));
  }

  static Pipeline parallel(String name, String... nodes) {
    return new Pipeline(
        name,
        java.util.Arrays.stream(nodes).map(n -> node(n, n, OnError.STOP_ALL)).toList(),
        List.of(), List.of(), false, Map.of());
  }

  @Test
  void aFailedRunWithParallelNodesRecordsTheSiblingAsStoppedAndResumes() throws Exception {
    Path go = home.resolve("go");
    Step fail = Step.command("fail", "test -f " + go + " || exit 3").build();
    Step slow = Step.command("slow", "echo started", "test -f " + go + " || sleep 60").build();
    long t0 = System.nanoTime();
    RunResult first = orchestrator.run(plan(parallel("p", "fail", "slow"), fail, slow), RunOptions.of("t"));
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);

    assertThat(first.status()).isEqualTo(RunStatus.FAILED);
    // Only the node that failed is blamed.
    assertThat(first.summary()).isEqualTo("failed: fail; stopped: slow");
    Map<String, ExecutionRecord> e = executions(first.runId());
    assertThat(e.get("fail").status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.get("slow").status()).isEqualTo(ExecutionStatus.STOPPED);
    assertThat(e.get("slow").errorMessage()).contains("node fail failed");

    Files.createFile(go);
    RunResult resumed =
        orchestrator.resume(first.runId(), plan(parallel("p", "fail", "slow"), fail, slow),
            RunOptions.of("t"));
    assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(executions(first.runId()).values())
        .allSatisfy(x -> assertThat(x.status()).isEqualTo(ExecutionStatus.SUCCEEDED));
  }

  /** An in-process step with a parameter (so a retry has something to record again). */
  static Step chatty(String name) {
    return Step.builder(name, new StepRun.JavaFunction(Chatty.class.getName()))
        .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.BEAM))
        .addParameter(
            dev.kiln.pipelines.ParameterSpec.builder("n", dev.kiln.pipelines.ParameterType.INTEGER)
                .optDefault(1)
                .build())
        .build();
  }

  @Test
  void aNodeFailingBeforeItStartsStopsSiblingsWithoutBreakingTheStore() {
    // As the probe: a missing input fails one node at once while in-process siblings write log
    // lines to the store as fast as they can. Interrupting them used to close H2's file channel.
    Step bad =
        Step.command("bad", "cat $VH_INPUTS_DIR/words/*")
            .addInput(dev.kiln.pipelines.InputSpec.of("words"))
            .build();
    Step chatty = chatty("chatty");
    Step chatty2 = chatty("chatty2");
    for (int round = 0; round < 5; round++) {
      Pipeline p = parallel("probe" + round, "chatty", "chatty2", "bad");
      Plan plan =
          Planner.plan(
              Project.of(List.of(bad, chatty, chatty2), List.of(p)), p, Map.of(),
              Map.of("bad.words", List.of(home.resolve("nonexistent/file").toString())));
      RunResult r = orchestrator.run(plan, RunOptions.of("t"));
      assertThat(r.status()).isEqualTo(RunStatus.FAILED);
      assertThat(r.summary()).startsWith("failed: bad");
      Map<String, ExecutionRecord> e = executions(r.runId());
      assertThat(e.get("bad").status()).isEqualTo(ExecutionStatus.FAILED);
      for (String sibling : List.of("chatty", "chatty2")) {
        assertThat(e.get(sibling).status()).isIn(ExecutionStatus.STOPPED, ExecutionStatus.SKIPPED);
        assertThat(Chatty.FINISHED).doesNotContain(e.get(sibling).id());
      }
      // Resuming the run fails the same node again, for the same reason, and nothing else.
      RunResult again = orchestrator.resume(r.runId(), plan, RunOptions.of("t"));
      assertThat(again.summary()).matches("failed: bad(; stopped: .*)?");
      for (ExecutionRecord x : executions(r.runId()).values()) {
        if (!x.nodeName().equals("bad")) {
          assertThat(x.status()).isIn(ExecutionStatus.STOPPED, ExecutionStatus.SKIPPED);
        }
      }
    }
    // The store is still whole: a new run records and reads back.
    Step ok = Step.command("ok", "echo fine").build();
    RunResult after = orchestrator.run(plan(parallel("after", "ok"), ok), RunOptions.of("t"));
    assertThat(after.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(store.runDetail(after.runId()).executions()).hasSize(1);
  }

  @Test
  void resumeKillsTheStepACrashedOrchestratorLeftRunningBeforeRunningItAgain() throws Exception {
    // The store as a kill -9 of the orchestrator leaves it: the run and the execution RUNNING, the
    // step's process group recorded and still alive.
    var run = store.createRun(new dev.kiln.lineage.model.NewRun("crashed", "test", null, null));
    var e =
        store.createExecution(
            dev.kiln.lineage.model.NewExecution.of(run.id(), "slow", "slow").withExecutor("process"));
    store.transitionRun(run.id(), dev.kiln.lineage.model.RunEvent.START);
    store.queue(e.id());
    store.start(e.id(), "process", "cpu");
    Path script = home.resolve("executions").resolve(e.id()).resolve("config/command.sh");
    Process orphan =
        new ProcessBuilder("setsid", "bash", "-c", "sleep 300 & wait", "kiln-step", script.toString())
            .start();
    store.recordProcessGroup(e.id(), orphan.pid());
    List<ProcessHandle> tree = List.of();
    for (int i = 0; i < 100 && tree.isEmpty(); i++) {
      Thread.sleep(50);
      tree = orphan.descendants().toList();
    }
    assertThat(tree).isNotEmpty();

    Step slow = Step.command("slow", "echo again").build();
    RunResult r = orchestrator.resume(run.id(), plan(parallel("crashed", "slow"), slow), RunOptions.of("t"));

    assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    for (ProcessHandle h : tree) {
      h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(h.isAlive()).isFalse();
    }
    assertThat(store.execution(e.id()).attempt()).isEqualTo(2);
  }

  @Test
  void aProcessThatOnlyReusedThePidIsLeftAlone() throws Exception {
    Process other = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(dev.kiln.runner.process.ProcessGroups.killIfStillRunning(other.pid(), "exec-id"))
          .isEmpty();
      assertThat(other.isAlive()).isTrue();
    } finally {
      other.destroyForcibly();
    }
  }
}
