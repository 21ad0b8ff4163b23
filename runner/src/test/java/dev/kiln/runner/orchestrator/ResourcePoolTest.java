package dev.kiln.runner.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Step;
import dev.kiln.runner.executor.ExecutionListener;
import dev.kiln.runner.executor.ExecutionRequest;
import dev.kiln.runner.executor.ExecutionResult;
import dev.kiln.runner.executor.Executor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourcePoolTest {
  @TempDir Path home;

  @Test
  void overlappingGpuStepsNeverShareAGpuWhateverOrderTheyEndIn() {
    ResourcePool pool = new ResourcePool(1, 2);
    ResourcePool.Slot a = pool.take(true).orElseThrow();
    ResourcePool.Slot b = pool.take(true).orElseThrow();
    assertThat(a.device()).isEqualTo("cuda:0");
    assertThat(b.device()).isEqualTo("cuda:1");
    // The first ends first: a new GPU step gets GPU 0, not "the last one" again.
    pool.release(a);
    ResourcePool.Slot c = pool.take(true).orElseThrow();
    assertThat(c.device()).isEqualTo("cuda:0");
    // No GPU free: a GPU step falls back to the CPU slot, then nothing is left.
    ResourcePool.Slot d = pool.take(true).orElseThrow();
    assertThat(d.device()).isEqualTo("cpu");
    assertThat(pool.take(false)).isEmpty();
    pool.release(d);
    assertThat(pool.take(false)).map(ResourcePool.Slot::device).contains("cpu");
  }

  @Test
  void theDeviceRecordedIsTheOneTheExecutorUsed() {
    Executor reportsItsOwn =
        new Executor() {
          @Override
          public ExecutorKind kind() {
            return ExecutorKind.PROCESS;
          }

          @Override
          public ExecutionResult execute(ExecutionRequest request, ExecutionListener listener) {
            return new ExecutionResult(true, false, Optional.of(0), "ok", "cuda:3");
          }
        };
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home));
        Orchestrator o =
            new Orchestrator(
                store, OrchestratorConfig.of(home, home).withSlots(1, 0),
                Map.of(ExecutorKind.PROCESS, reportsItsOwn), Console.SILENT)) {
      Step step = Step.command("s", "true").build();
      Pipeline p =
          new Pipeline(
              "p", List.of(OrchestratorTest.node("s", "s", OnError.STOP_ALL)), List.of(),
              List.of(), false, Map.of());
      RunResult r =
          o.run(
              dev.kiln.runner.plan.Planner.plan(
                  dev.kiln.pipelines.Project.of(List.of(step), List.of(p)), p, Map.of(), Map.of()),
              RunOptions.of("t"));
      assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
      // The slot said cpu; the executor said cuda:3, and that is what the store keeps.
      assertThat(store.findExecution(r.runId(), "s").orElseThrow().device()).isEqualTo("cuda:3");
    }
  }
}
