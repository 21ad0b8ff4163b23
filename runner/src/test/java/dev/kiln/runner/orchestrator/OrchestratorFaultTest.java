package dev.kiln.runner.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user gets when something outside Kiln goes wrong: a clear message, nothing lost. */
class OrchestratorFaultTest {
  @TempDir Path home;
  LineageStore store;
  Orchestrator orchestrator;

  @BeforeEach
  void open() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    orchestrator =
        new Orchestrator(
            store,
            OrchestratorConfig.of(home, home).withSlots(1, 0),
            Map.of(ExecutorKind.PROCESS, new ProcessExecutor(Map.of())),
            Console.SILENT);
  }

  @AfterEach
  void close() {
    orchestrator.close();
    store.close();
  }

  private ExecutionRecord runOne(Step step, Map<String, List<String>> inputs, RunStatus expected) {
    Pipeline p =
        new Pipeline("one", List.of(Node.Execution.of("n", step.name())), List.of(), List.of(),
            false, Map.of());
    var plan = Planner.plan(Project.of(List.of(step), List.of(p)), p, Map.of(), inputs);
    RunResult r = orchestrator.run(plan, RunOptions.of("test"));
    assertThat(r.status()).isEqualTo(expected);
    return store.findExecution(r.runId(), "n").orElseThrow();
  }

  static final Step READS = Step.command("reads", "cat $VH_INPUTS_DIR/data/*").addInput(InputSpec.of("data")).build();

  @Test
  void aMissingInputFileFailsTheNodeBeforeItStarts() {
    ExecutionRecord e = runOne(READS, Map.of("n.data", List.of("no/such/file.csv")), RunStatus.FAILED);
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.attempt()).isZero();
    assertThat(e.errorMessage())
        .isEqualTo("inputs: " + home.resolve("no/such/file.csv") + " does not exist");
  }

  @Test
  void anUnreachableUrlIsNamed() {
    ExecutionRecord e =
        runOne(READS, Map.of("n.data", List.of("http://127.0.0.1:1/data.csv")), RunStatus.FAILED);
    assertThat(e.errorMessage())
        .isEqualTo("inputs: cannot download http://127.0.0.1:1/data.csv: connection refused");
  }

  @Test
  void aFailingArtifactStoreKeepsTheOutputsAndSaysWhere() throws Exception {
    // The store writes through artifacts/incoming; a file in its place makes every write fail,
    // as a full or broken disk would.
    Path incoming = home.resolve("artifacts/incoming");
    if (Files.isDirectory(incoming)) {
      Files.delete(incoming);
    }
    Files.createDirectories(incoming.getParent());
    Files.writeString(incoming, "not a folder");
    Step writes = Step.command("writes", "echo precious > $VH_OUTPUTS_DIR/model.bin").build();
    ExecutionRecord e = runOne(writes, Map.of(), RunStatus.FAILED);
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    Path kept = home.resolve("executions").resolve(e.id()).resolve("outputs");
    assertThat(e.errorMessage())
        .startsWith("could not store the outputs (")
        .endsWith("); they are kept in " + kept);
    assertThat(kept.resolve("model.bin")).hasContent("precious");
  }
}
