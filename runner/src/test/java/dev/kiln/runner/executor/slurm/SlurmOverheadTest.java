package dev.kiln.runner.executor.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.Step;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import dev.kiln.runner.orchestrator.RunResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same one-line step run {@code KILN_SLURM_BENCH_N} times (default 10) through the local
 * executor and through Slurm, one execution at a time: the wall time per execution of each, the
 * difference (Slurm's overhead), and this JVM's CPU time per execution with each (the
 * orchestrator's own cost; the processes it starts, sbatch and scontrol included, are not in it). Every Slurm execution must have
 * its own job, completed: nothing lost or duplicated. docs/benchmarks.md has the numbers.
 */
class SlurmOverheadTest {
  @TempDir Path home;

  @Test
  void measuresTheOverheadOfSlurmAgainstTheLocalExecutor() throws Exception {
    assumeTrue(SlurmExecutor.available(), "sbatch is not on the PATH: skipped");
    int n = Integer.parseInt(System.getenv().getOrDefault("KILN_SLURM_BENCH_N", "10"));
    Step step = Step.command("tiny", "echo '{\"ok\": 1}'").build();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuL = os.getProcessCpuTime();
    double local = perExecutionMs(home.resolve("local"), new ProcessExecutor(Map.of()), step, n, null);
    double localCpuMs = (os.getProcessCpuTime() - cpuL) / 1e6 / n;
    Set<String> jobs = new HashSet<>();
    long cpu0 = os.getProcessCpuTime();
    double slurm =
        perExecutionMs(
            home.resolve("slurm"), new SlurmExecutor(Map.of(), SlurmSettings.defaults()), step, n,
            jobs);
    double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
    assertThat(jobs).hasSize(n);
    for (String job : jobs) {
      assertThat(SlurmExecutor.query(job).orElseThrow().state()).isEqualTo("COMPLETED");
    }
    System.out.printf(
        "slurm overhead: %d executions, local %.0f ms/execution, slurm %.0f ms/execution,"
            + " overhead %.0f ms; JVM CPU per execution: local %.1f ms, slurm %.1f ms; load %.2f%n",
        n, local, slurm, slurm - local, localCpuMs, cpuMs, os.getSystemLoadAverage());
  }

  static double perExecutionMs(Path home, Executor executor, Step step, int n, Set<String> jobs)
      throws Exception {
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home));
        Orchestrator o =
            new Orchestrator(
                store, OrchestratorConfig.of(home, home).withSlots(1, 0),
                Map.of(ExecutorKind.PROCESS, executor), Console.SILENT)) {
      SlurmOrchestratorTest.run(o, step); // warm-up
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        RunResult r = SlurmOrchestratorTest.run(o, step);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        if (jobs != null) {
          String id = store.runDetail(r.runId(), true).executions().get(0).execution().id();
          assertThat(jobs.add(SlurmExecutor.recordedJobId(home.resolve("executions").resolve(id))
                  .orElseThrow()))
              .isTrue();
        }
      }
      return (System.nanoTime() - t0) / 1e6 / n;
    }
  }
}
