package dev.kiln.bench;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.TaskBlueprint;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.executor.InProcessJavaExecutor;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The orchestrator's own cost per tuning trial: a task node whose step does nothing but print its
 * metric (an in-process Java step, so no process start is counted), searched by random search and
 * by TPE. What is measured is everything around a trial: the sampler's suggestion, the trial's
 * execution record, parameters, folder, dispatch, metadata, the metric read back, the best trial.
 */
public final class TrialOverheadBench {
  private TrialOverheadBench() {}

  /** Prints the metric of a quadratic in x; nothing else. */
  public static final class QuadraticStep implements StepFunction {
    @Override
    public void run(StepContext context) {
      double x = context.doubleParameter("x");
      context.logMetrics(Map.of("loss", (x - 0.3) * (x - 0.3)));
    }
  }

  public record Result(
      int trials, int parallel, Algorithm algorithm, double runMs, String status) {
    double perTrialMs() {
      return runMs / trials;
    }
  }

  public static Result measure(int trials, int parallel, Algorithm algorithm, Path home)
      throws IOException {
    Step step =
        Step.builder("quad", new StepRun.JavaFunction(QuadraticStep.class.getName()))
            .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.BEAM))
            .addParameter(ParameterSpec.builder("x", ParameterType.FLOAT).optDefault(0.5).build())
            .build();
    TuningSpec spec =
        new TuningSpec(
            "loss", Goal.MINIMIZE,
            List.of(new SearchParameter.DoubleRange("x", 0.0, 1.0, Scale.LINEAR)),
            algorithm, trials, parallel, 0, false, Optional.empty());
    Node.Task task =
        new Node.Task(
            "quad", Optional.of("quad"), Optional.of("search"), StepOverride.NONE,
            OnError.STOP_ALL, EdgeMergeMode.REPLACE, List.of(), Map.of());
    Pipeline p = new Pipeline("tune-bench", List.of(task), List.of(), List.of(), false, Map.of());
    Project project =
        new Project(
            List.of(step), List.of(p),
            List.of(new TaskBlueprint("search", Optional.of("quad"), Optional.empty(), Map.of(), Optional.of(spec))),
            List.of());
    Plan plan = Planner.plan(project, p, Map.of(), Map.of());
    Map<ExecutorKind, Executor> executors = new EnumMap<>(ExecutorKind.class);
    executors.put(
        ExecutorKind.BEAM,
        new InProcessJavaExecutor(ExecutorKind.BEAM, TrialOverheadBench.class.getClassLoader(), Map::of));
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home));
        Orchestrator o =
            new Orchestrator(
                store, new OrchestratorConfig(home, home, parallel, 0), executors, Console.SILENT)) {
      long t0 = System.nanoTime();
      RunResult r = o.run(plan, RunOptions.of("bench"));
      long t1 = System.nanoTime();
      return new Result(trials, parallel, algorithm, (t1 - t0) / 1e6, r.status().name());
    }
  }

  public static void run(List<Integer> trialCounts, List<Integer> parallels, PrintWriter out)
      throws IOException {
    out.printf(
        "| algorithm | trials | parallel | job (ms) | per trial (ms) | target <= 50 ms | status |%n"
            + "|---|---:|---:|---:|---:|---|---|%n");
    // One warm-up job: the JVM's first classes and the store's first open are not a trial's cost.
    Path warm = Files.createTempDirectory("kiln-bench-trials-");
    measure(5, 1, Algorithm.RANDOM_SEARCH, warm);
    OrchestratorBench.deleteTree(warm);
    for (Algorithm a : List.of(Algorithm.RANDOM_SEARCH, Algorithm.BAYESIAN_TPE)) {
      for (int n : trialCounts) {
        for (int par : parallels) {
          Path home = Files.createTempDirectory("kiln-bench-trials-");
          try {
            Result r = measure(n, par, a, home);
            out.printf(
                Locale.ROOT,
                "| %s | %d | %d | %.0f | %.1f | %s | %s |%n",
                a == Algorithm.BAYESIAN_TPE ? "TPE" : "random", n, par, r.runMs(), r.perTrialMs(),
                r.perTrialMs() <= 50 ? "PASS" : "FAIL", r.status());
            out.flush();
          } finally {
            OrchestratorBench.deleteTree(home);
          }
        }
      }
    }
  }
}
