package dev.kiln.runner.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.compat.valohai.ReadResult;
import dev.kiln.compat.valohai.ValohaiYaml;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.Project;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A valohai.yaml task blueprint runs as a tuning job: its grid's points are the trials. */
class ValohaiTaskRunTest {
  @TempDir Path home;

  static final String YAML =
      """
      - step:
          name: fit
          image: python:3.12
          command:
            - |
              X={parameter-value:x}; awk -v x=$X -v y={parameter-value:y} 'BEGIN { printf "{\\"loss\\": %.8f}\\n", (x - 0.3) ^ 2 + y - 2 }'
          parameters:
            - name: x
              type: float
              default: 0.9
            - name: y
              type: integer
              default: 1
      - task:
          name: search
          step: fit
          type: grid_search
          Kiln:metric: loss
          Kiln:goal: minimize
          execution-batch-size: 2
          parameters:
            - name: x
              style: linear
              rules: {start: 0.1, end: 0.5, step: 0.2}
            - name: y
              style: single
              rules: {value: 2}
      - pipeline:
          name: tuned
          nodes:
            - name: fit
              type: task
              task: search
          edges: []
      """;

  @Test
  void theGridOfALinearRuleRunsAndTheBestTrialIsItsMinimum() {
    ReadResult read = ValohaiYaml.parse(Path.of("valohai.yaml"), YAML);
    assertThat(read.errors()).isEmpty();
    Project project = read.project().orElseThrow();
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home));
        Orchestrator orchestrator =
            new Orchestrator(
                store,
                OrchestratorConfig.of(home, home).withSlots(2, 0),
                Map.of(ExecutorKind.PROCESS, new ProcessExecutor(Map.of())),
                Console.SILENT)) {
      RunResult r =
          orchestrator.run(
              Planner.plan(project, project.pipelines().get(0), Map.of(), Map.of()),
              RunOptions.of("test"));
      assertThat(r.status()).as(r.summary()).isEqualTo(RunStatus.SUCCEEDED);
      ExecutionRecord task = store.findExecution(r.runId(), "fit").orElseThrow();
      TuningReport report = TuningReport.of(store, task.id()).orElseThrow();
      assertThat(report.trials()).extracting(t -> t.parameters().get("x"))
          .containsExactlyInAnyOrder("0.1", "0.3", "0.5");
      assertThat(report.trials()).allSatisfy(t -> assertThat(t.parameters().get("y")).isEqualTo("2"));
      TuningReport.TrialRow best =
          report.trials().stream()
              .filter(t -> t.executionId().equals(report.bestTrial().orElseThrow()))
              .findFirst()
              .orElseThrow();
      assertThat(best.parameters().get("x")).isEqualTo("0.3");
      assertThat(best.metric().getAsDouble()).isEqualTo(0.0);
    }
  }
}
