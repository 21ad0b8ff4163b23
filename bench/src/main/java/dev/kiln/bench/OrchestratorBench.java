package dev.kiln.bench;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.executor.InProcessJavaExecutor;
import dev.kiln.runner.executor.ProcessExecutor;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The orchestrator's own cost per node: a fan-out/fan-in pipeline (one source, N-2 middle nodes
 * each fed by the source's output, one sink fed by every middle node) of steps that do nothing,
 * run on the embedded store. Everything else (planning, the store's transactions, execution
 * directories, input resolution through edges, the artifact store) is what is measured.
 */
public final class OrchestratorBench {
  private OrchestratorBench() {}

  /** One measurement. */
  public record Result(int nodes, double planMs, double runMs, double stepMs, String status) {
    double overheadPerNodeMs() {
      return (planMs + runMs - stepMs) / nodes;
    }
  }

  public static Result measure(int nodes, int slots, Path home) throws IOException {
    Step source =
        Step.builder("source", new StepRun.JavaFunction(WriteOne.class.getName()))
            .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.BEAM))
            .build();
    Step noop =
        Step.builder("noop", new StepRun.JavaFunction(NoopStep.class.getName()))
            .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.BEAM))
            .addInput(InputSpec.builder("in").optOptional(true).build())
            .build();
    List<Node> ns = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    ns.add(Node.Execution.of("source", "source"));
    for (int i = 0; i < nodes - 2; i++) {
      String name = "n" + i;
      ns.add(Node.Execution.of(name, "noop"));
      edges.add(
          Edge.of(
              new EdgeEnd("source", PortKind.OUTPUT, "one.txt"),
              new EdgeEnd(name, PortKind.INPUT, "in")));
      edges.add(
          Edge.of(
              new EdgeEnd(name, PortKind.OUTPUT, "*"), new EdgeEnd("sink", PortKind.INPUT, "in")));
    }
    ns.add(Node.Execution.of("sink", "noop"));
    Pipeline p = new Pipeline("fan-" + nodes, ns, edges, List.of(), false, Map.of());
    Project project = Project.of(List.of(source, noop), List.of(p));

    long t0 = System.nanoTime();
    Plan plan = Planner.plan(project, p, Map.of(), Map.of());
    long t1 = System.nanoTime();
    Map<ExecutorKind, Executor> executors = new EnumMap<>(ExecutorKind.class);
    ClassLoader loader = OrchestratorBench.class.getClassLoader();
    executors.put(ExecutorKind.PROCESS, new ProcessExecutor(Map.of()));
    executors.put(ExecutorKind.BEAM, new InProcessJavaExecutor(ExecutorKind.BEAM, loader, Map::of));
    RunResult r;
    long t2;
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home));
        Orchestrator o =
            new Orchestrator(
                store, new OrchestratorConfig(home, home, slots, 0), executors, Console.SILENT)) {
      t2 = System.nanoTime();
      r = o.run(plan, RunOptions.of("bench"));
    }
    long t3 = System.nanoTime();
    // The steps do nothing; their own time is what running a no-op takes: nothing to subtract
    // beyond the measured cost of calling it, which is below the clock's resolution here.
    return new Result(nodes, (t1 - t0) / 1e6, (t3 - t2) / 1e6, 0, r.status().name());
  }

  /** Runs the sizes and prints a Markdown table. */
  public static void run(List<Integer> sizes, int slots, PrintWriter out) throws IOException {
    out.printf(
        "| nodes | plan (ms) | run (ms) | overhead per node (ms) | status |%n"
            + "|---:|---:|---:|---:|---|%n");
    for (int n : sizes) {
      Path home = Files.createTempDirectory("kiln-bench-");
      try {
        Result r = measure(n, slots, home);
        out.printf(
            "| %d | %.0f | %.0f | %.2f | %s |%n",
            r.nodes(), r.planMs(), r.runMs(), r.overheadPerNodeMs(), r.status());
        out.flush();
      } finally {
        deleteTree(home);
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        p.toFile().setWritable(true);
        Files.deleteIfExists(p);
      }
    }
  }

  /** The source node: one small output file that every middle node reads. */
  public static final class WriteOne implements StepFunction {
    @Override
    public void run(StepContext context) throws IOException {
      Files.writeString(context.outputDir().resolve("one.txt"), "1");
    }
  }
}
