package dev.kiln.runner.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.TaskBlueprint;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import dev.kiln.runner.tuning.TuningReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task nodes: trials are executions, the best one's outputs go downstream, failures count. */
class OrchestratorTuningTest {
  @TempDir Path home;
  LineageStore store;
  Orchestrator orchestrator;

  /** loss = (x - 0.3)^2, printed as metadata; the model file holds x. */
  static Step fit(String counter) {
    return Step.command(
            "fit",
            "echo run >> " + counter,
            "X={parameter-value:x}; awk -v x=$X 'BEGIN { printf \"{\\\"loss\\\": %.8f}\\n\", (x - 0.3) ^ 2 }'",
            "echo {parameter-value:x} > $VH_OUTPUTS_DIR/model.txt")
        .addParameter(ParameterSpec.builder("x", ParameterType.FLOAT).optDefault(0.9).build())
        .build();
  }

  static final Step USE =
      Step.command("use", "echo using $(cat $VH_INPUTS_DIR/model/model.txt)")
          .addInput(InputSpec.of("model"))
          .build();

  static TuningSpec spec(Algorithm algorithm, int trials, int parallel, int maxFailed) {
    return new TuningSpec(
        "loss",
        Goal.MINIMIZE,
        List.of(new SearchParameter.DoubleRange("x", 0.0, 1.0, Scale.LINEAR)),
        algorithm,
        trials,
        parallel,
        maxFailed,
        false,
        Optional.empty());
  }

  static Plan tunedPlan(Step step, TuningSpec spec, boolean withUse) {
    Node.Task task =
        new Node.Task(
            "fit", Optional.of(step.name()), Optional.of("search"), StepOverride.NONE,
            OnError.STOP_ALL, EdgeMergeMode.REPLACE, List.of(), Map.of());
    List<Node> nodes =
        withUse
            ? List.of(task, OrchestratorTest.node("use", "use", OnError.STOP_ALL))
            : List.of(task);
    List<Edge> edges =
        withUse ? List.of(OrchestratorTest.edge("fit.output.model.txt", "use.input.model")) : List.of();
    Pipeline p = new Pipeline("tuned", nodes, edges, List.of(), false, Map.of());
    TaskBlueprint blueprint =
        new TaskBlueprint("search", Optional.of(step.name()), Optional.empty(), Map.of(), Optional.of(spec));
    Project project =
        new Project(withUse ? List.of(step, USE) : List.of(step), List.of(p), List.of(blueprint), List.of());
    return Planner.plan(project, p, Map.of(), Map.of());
  }

  static final Console PRINT =
      new Console() {
        @Override
        public void stepLine(String node, boolean stderr, String text) {
          System.err.println("[kiln] " + node + "| " + text);
        }

        @Override
        public void status(String text) {
          System.err.println("[kiln] " + text);
        }
      };

  @BeforeEach
  void open() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    orchestrator = newOrchestrator(2);
  }

  Orchestrator newOrchestrator(int slots) {
    return new Orchestrator(
        store,
        OrchestratorConfig.of(home, home).withSlots(slots, 0),
        Map.of(ExecutorKind.PROCESS, new ProcessExecutor(Map.of())),
        System.getenv("KILN_TEST_CONSOLE") != null ? PRINT : Console.SILENT);
  }

  @AfterEach
  void close() {
    orchestrator.close();
    store.close();
  }

  ExecutionRecord task(String runId) {
    return store.findExecution(runId, "fit").orElseThrow();
  }

  @Test
  void theBestTrialsOutputsGoDownstream() throws Exception {
    Path counter = home.resolve("count.txt");
    RunResult r =
        orchestrator.run(
            tunedPlan(fit(counter.toString()), spec(Algorithm.RANDOM_SEARCH, 6, 2, 0), true),
            RunOptions.of("test"));
    assertThat(r.status()).as(r.summary()).isEqualTo(RunStatus.SUCCEEDED);
    ExecutionRecord task = task(r.runId());
    List<ExecutionRecord> trials = store.trials(task.id());
    assertThat(trials).hasSize(6).allMatch(t -> t.status() == ExecutionStatus.SUCCEEDED);
    assertThat(trials).extracting(ExecutionRecord::trial).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(Files.readAllLines(counter)).hasSize(6);

    TuningReport report = TuningReport.of(store, task.id()).orElseThrow();
    TuningReport.TrialRow best =
        report.trials().stream()
            .min(Comparator.comparingDouble(t -> t.metric().getAsDouble()))
            .orElseThrow();
    assertThat(report.bestTrial()).contains(best.executionId());
    // Six distinct points were tried (a random search, not six runs of the default).
    assertThat(report.trials().stream().map(t -> t.parameters().get("x")).distinct()).hasSize(6);
    ExecutionDetail taskDetail = store.executionDetail(task.id());
    ExecutionDetail bestDetail = store.executionDetail(best.executionId());
    assertThat(taskDetail.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(taskDetail.outputs()).isEqualTo(bestDetail.outputs());
    String bestX = best.parameters().get("x");
    ExecutionRecord use = store.findExecution(r.runId(), "use").orElseThrow();
    assertThat(store.logLines(use.id(), 0, 100))
        .anySatisfy(l -> assertThat(l.text()).isEqualTo("using " + bestX));
    // The node's inputs name the best trial as their producer.
    assertThat(store.executionDetail(use.id()).inputs())
        .singleElement()
        .satisfies(i -> assertThat(i.producingExecutionId()).isEqualTo(best.executionId()));
  }

  @Test
  void failedTrialsPastMaxFailedTrialsFailTheJobNamingThem() {
    Step broken =
        Step.command("fit", "echo 'cuda out of memory' >&2", "exit 7")
            .addParameter(ParameterSpec.builder("x", ParameterType.FLOAT).optDefault(0.9).build())
            .build();
    RunResult r =
        orchestrator.run(
            tunedPlan(broken, spec(Algorithm.RANDOM_SEARCH, 10, 1, 2), false), RunOptions.of("t"));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    ExecutionRecord task = task(r.runId());
    assertThat(store.trials(task.id())).hasSize(2);
    assertThat(task.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(task.errorMessage())
        .startsWith("2 trial(s) failed, reaching maxFailedTrials (2): trial 1 (execution ")
        .contains("; trial 2 (execution ");
  }

  @Test
  void aMetricNoTrialPrintsFailsTheJobSayingWhatWasSeen() {
    Step wrongTag =
        Step.command("fit", "echo '{\"accuracy\": 0.5, \"epoch\": 1}'")
            .addParameter(ParameterSpec.builder("x", ParameterType.FLOAT).optDefault(0.9).build())
            .build();
    RunResult r =
        orchestrator.run(
            tunedPlan(wrongTag, spec(Algorithm.RANDOM_SEARCH, 8, 1, 0), false), RunOptions.of("t"));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    ExecutionRecord task = task(r.runId());
    assertThat(task.errorMessage())
        .isEqualTo(
            "no trial printed the metric \"loss\" (hyperparameterMetricTag /"
                + " optimization-target-metric); the trials printed the keys accuracy. Print a"
                + " JSON line such as {\"loss\": 0.9} on stdout");
    assertThat(store.trials(task.id())).hasSize(1);
  }

  @Test
  void earlyStoppingStopsALosingTrialAndKeepsItsPartialMetric() {
    // loss at step i = (x - 0.3)^2 + 1/i, ten steps, a little apart so the rule sees them live.
    Step curve =
        Step.command(
                "fit",
                "X={parameter-value:x}; for i in 1 2 3 4 5 6 7 8 9 10; do awk -v i=$i -v x=$X 'BEGIN {"
                    + " printf \"{\\\"loss\\\": %.6f, \\\"step\\\": %d}\\n\", (x - 0.3) ^ 2 + 1 / i, i }';"
                    + " sleep 0.15; done")
            .addParameter(ParameterSpec.builder("x", ParameterType.FLOAT).optDefault(0.9).build())
            .build();
    TuningSpec manual =
        new TuningSpec(
            "loss", Goal.MINIMIZE, List.of(), Algorithm.MANUAL_SEARCH, 4, 1, 0, true,
            Optional.empty(), MetricValue.LAST, Map.of(),
            List.of(Map.of("x", "0.3"), Map.of("x", "0.31"), Map.of("x", "0.32"), Map.of("x", "3.0")));
    RunResult r = orchestrator.run(tunedPlan(curve, manual, false), RunOptions.of("t"));
    assertThat(r.status()).as(r.summary()).isEqualTo(RunStatus.SUCCEEDED);
    List<ExecutionRecord> trials = store.trials(task(r.runId()).id());
    assertThat(trials).extracting(ExecutionRecord::status)
        .containsExactly(
            ExecutionStatus.SUCCEEDED, ExecutionStatus.SUCCEEDED, ExecutionStatus.SUCCEEDED,
            ExecutionStatus.STOPPED_EARLY);
    ExecutionRecord stopped = trials.get(3);
    assertThat(stopped.errorMessage()).startsWith("stopped early: median stopping rule: ");
    // It stopped at the rule's first step (4), well before its tenth.
    long points = store.metadata(stopped.id(), 0, 100).size();
    assertThat(points).isBetween(4L, 6L);
    TuningReport report = TuningReport.of(store, task(r.runId()).id()).orElseThrow();
    assertThat(report.trials().get(3).metric()).isPresent();
    assertThat(report.bestTrial()).contains(trials.get(0).id());
  }

  @Test
  void aStoppedJobResumesKeepingFinishedTrialsAndReachesMaxTrials() throws Exception {
    Path counter = home.resolve("count.txt");
    Step slowFit =
        Step.command(
                "fit",
                "echo {parameter-value:x} >> " + counter,
                "sleep 0.4",
                "X={parameter-value:x}; awk -v x=$X 'BEGIN { printf \"{\\\"loss\\\": %.8f}\\n\", (x - 0.3) ^ 2 }'")
            .addParameter(ParameterSpec.builder("x", ParameterType.FLOAT).optDefault(0.9).build())
            .build();
    Plan plan = tunedPlan(slowFit, spec(Algorithm.BAYESIAN_TPE, 5, 1, 0), false);
    CompletableFuture<RunResult> first =
        CompletableFuture.supplyAsync(() -> orchestrator.run(plan, RunOptions.of("t")));
    // Stop once two trials have finished and the third is running.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String runId = null;
    while (System.nanoTime() < deadline) {
      var runs = store.listRuns(dev.kiln.lineage.model.RunQuery.newest());
      if (!runs.items().isEmpty()) {
        runId = runs.items().get(0).id();
        var t = store.findExecution(runId, "fit");
        if (t.isPresent()
            && store.trials(t.get().id()).stream()
                    .filter(x -> x.status() == ExecutionStatus.SUCCEEDED)
                    .count()
                >= 2
            && store.trials(t.get().id()).size() >= 3) {
          break;
        }
      }
      Thread.sleep(20);
    }
    orchestrator.stop("test stop");
    RunResult stopped = first.get(30, TimeUnit.SECONDS);
    assertThat(stopped.status()).isEqualTo(RunStatus.STOPPED);
    List<ExecutionRecord> before = store.trials(task(runId).id());
    List<String> finishedBefore =
        before.stream().filter(t -> t.status() == ExecutionStatus.SUCCEEDED).map(ExecutionRecord::id).toList();
    assertThat(finishedBefore).hasSizeGreaterThanOrEqualTo(2);
    int runsBefore = Files.readAllLines(counter).size();

    orchestrator.close();
    orchestrator = newOrchestrator(2);
    RunResult resumed = orchestrator.resume(runId, plan, RunOptions.of("t"));
    assertThat(resumed.status()).as(resumed.summary()).isEqualTo(RunStatus.SUCCEEDED);
    List<ExecutionRecord> after = store.trials(task(runId).id());
    assertThat(after).hasSize(5).allMatch(t -> t.status() == ExecutionStatus.SUCCEEDED);
    // The finished trials are the same executions, not run again.
    assertThat(after.stream().map(ExecutionRecord::id)).containsAll(finishedBefore);
    int rerun = Files.readAllLines(counter).size() - runsBefore;
    assertThat(rerun).isEqualTo(5 - finishedBefore.size());
  }

  @Test
  void resumePreviousJobIdFeedsTheEarlierTrialsToTheSearch() {
    Path counter = home.resolve("count.txt");
    Step step = fit(counter.toString());
    RunResult first =
        orchestrator.run(tunedPlan(step, spec(Algorithm.RANDOM_SEARCH, 3, 1, 0), false), RunOptions.of("t"));
    assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
    List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    Console recording =
        new Console() {
          @Override
          public void stepLine(String node, boolean stderr, String text) {}

          @Override
          public void status(String text) {
            said.add(text);
          }
        };
    orchestrator.close();
    orchestrator =
        new Orchestrator(
            store, OrchestratorConfig.of(home, home).withSlots(2, 0),
            Map.of(ExecutorKind.PROCESS, new ProcessExecutor(Map.of())), recording);
    TuningSpec more = spec(Algorithm.BAYESIAN_TPE, 2, 1, 0).withResumePreviousJobId(Optional.of(first.runId()));
    RunResult second = orchestrator.run(tunedPlan(step, more, false), RunOptions.of("t"));
    assertThat(second.status()).as(second.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(store.trials(task(second.runId()).id())).hasSize(2);
    assertThat(said).contains("fit: 3 trial(s) of tuning job " + first.runId() + " feed the search (resumePreviousJobId)");

    TuningSpec unknown = spec(Algorithm.BAYESIAN_TPE, 2, 1, 0).withResumePreviousJobId(Optional.of("no-such-job"));
    RunResult third = orchestrator.run(tunedPlan(step, unknown, false), RunOptions.of("t"));
    assertThat(third.status()).isEqualTo(RunStatus.FAILED);
    assertThat(task(third.runId()).errorMessage())
        .isEqualTo("resumePreviousJobId no-such-job: there is no tuning job with that id in this Kiln home");
    assertThat(store.trials(task(third.runId()).id())).isEmpty();
  }

  static TuningSpec valohai(
      Algorithm algorithm, int trials, Optional<Double> target, dev.kiln.pipelines.tuning.OnTrialError onError) {
    return new TuningSpec(
        "loss", Goal.MINIMIZE, List.of(new SearchParameter.DoubleRange("x", 0.0, 1.0, Scale.LINEAR)),
        algorithm, trials, 1, 0, false, Optional.empty(), MetricValue.LAST, Map.of(), List.of(),
        Optional.empty(), target, onError, false);
  }

  @Test
  void aTargetValueReachedEndsTheJobAsASuccess() {
    Path counter = home.resolve("count.txt");
    // Any loss below 1 meets the target: the first trial ends the job.
    RunResult r =
        orchestrator.run(
            tunedPlan(
                fit(counter.toString()),
                valohai(Algorithm.RANDOM_SEARCH, 8, Optional.of(1.0),
                    dev.kiln.pipelines.tuning.OnTrialError.FAILURE_BUDGET),
                false),
            RunOptions.of("t"));
    assertThat(r.status()).as(r.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(store.trials(task(r.runId()).id())).hasSize(1);
  }

  @Test
  void onChildErrorDecidesWhetherFailedTrialsFailTheJob() {
    // x above 0.5 fails; the others succeed.
    Step flaky =
        Step.command(
                "fit",
                "X={parameter-value:x}; awk -v x=$X 'BEGIN { if (x > 0.5) exit 3; printf \"{\\\"loss\\\": %.8f}\\n\", (x - 0.3) ^ 2 }'")
            .addParameter(ParameterSpec.builder("x", ParameterType.FLOAT).optDefault(0.9).build())
            .build();
    TuningSpec complete =
        new TuningSpec(
            "loss", Goal.MINIMIZE, List.of(), Algorithm.MANUAL_SEARCH, 3, 1, 0, false,
            Optional.empty(), MetricValue.LAST, Map.of(),
            List.of(Map.of("x", "0.2"), Map.of("x", "0.9"), Map.of("x", "0.4")),
            Optional.empty(), Optional.empty(),
            dev.kiln.pipelines.tuning.OnTrialError.CONTINUE_AND_COMPLETE, false);
    RunResult ok = orchestrator.run(tunedPlan(flaky, complete, false), RunOptions.of("t"));
    assertThat(ok.status()).as(ok.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(store.trials(task(ok.runId()).id())).extracting(ExecutionRecord::status)
        .containsExactly(ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.SUCCEEDED);

    TuningSpec stopAll =
        new TuningSpec(
            "loss", Goal.MINIMIZE, List.of(), Algorithm.MANUAL_SEARCH, 3, 1, 0, false,
            Optional.empty(), MetricValue.LAST, Map.of(),
            List.of(Map.of("x", "0.2"), Map.of("x", "0.9"), Map.of("x", "0.4")),
            Optional.empty(), Optional.empty(),
            dev.kiln.pipelines.tuning.OnTrialError.STOP_ALL_AND_ERROR, false);
    RunResult failed = orchestrator.run(tunedPlan(flaky, stopAll, false), RunOptions.of("t"));
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(store.trials(task(failed.runId()).id())).hasSize(2);
    assertThat(task(failed.runId()).errorMessage())
        .startsWith("1 trial(s) failed (on-child-error: stop-all-and-error): trial 2 (execution ");
  }

  @Test
  void appendOnTheReceivingNodeBringsEveryTrialsOutputs() {
    Path counter = home.resolve("count.txt");
    Step step = fit(counter.toString());
    Step gather =
        Step.command("gather", "find $VH_INPUTS_DIR/model -type f | sort")
            .addInput(InputSpec.of("model"))
            .build();
    Node.Task task =
        new Node.Task(
            "fit", Optional.of("fit"), Optional.of("search"), StepOverride.NONE, OnError.STOP_ALL,
            EdgeMergeMode.REPLACE, List.of(), Map.of());
    Node all =
        new Node.Execution(
            "all", "gather", StepOverride.NONE, OnError.STOP_ALL, EdgeMergeMode.APPEND, List.of(),
            Map.of());
    Pipeline p =
        new Pipeline(
            "tuned", List.of(task, all),
            List.of(OrchestratorTest.edge("fit.output.model.txt", "all.input.model")), List.of(),
            false, Map.of());
    Project project =
        new Project(
            List.of(step, gather), List.of(p),
            List.of(
                new TaskBlueprint(
                    "search", Optional.of("fit"), Optional.empty(), Map.of(),
                    Optional.of(spec(Algorithm.RANDOM_SEARCH, 3, 1, 0)))),
            List.of());
    RunResult r = orchestrator.run(Planner.plan(project, p, Map.of(), Map.of()), RunOptions.of("t"));
    assertThat(r.status()).as(r.summary()).isEqualTo(RunStatus.SUCCEEDED);
    ExecutionRecord gathered = store.findExecution(r.runId(), "all").orElseThrow();
    List<ExecutionRecord> trials = store.trials(task(r.runId()).id());
    assertThat(store.executionDetail(gathered.id()).inputs())
        .extracting(i -> i.fileName() + " from " + i.producingExecutionId())
        .containsExactly(
            "trial-1/model.txt from " + trials.get(0).id(),
            "trial-2/model.txt from " + trials.get(1).id(),
            "trial-3/model.txt from " + trials.get(2).id());
  }
}
