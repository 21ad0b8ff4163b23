package dev.kiln.runner.executor.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real jobs on a real Slurm cluster (CI starts a one-node one with .ci/start-slurm.sh). Skipped
 * where {@code sbatch} is not on the PATH.
 */
class SlurmOrchestratorTest {
  @TempDir Path home;
  LineageStore store;
  Orchestrator orchestrator;

  @BeforeAll
  static void needsSlurm() {
    assumeTrue(
        SlurmExecutor.available(),
        "sbatch is not on the PATH: the Slurm executor's cluster tests are skipped (start a"
            + " one-node cluster with `sudo bash .ci/start-slurm.sh`)");
  }

  @BeforeEach
  void open() {
    store = LineageStore.open(StoreConfig.ofHome(home));
    orchestrator =
        new Orchestrator(
            store,
            OrchestratorConfig.of(home, home).withSlots(2, 0),
            Map.of(
                ExecutorKind.PROCESS,
                new SlurmExecutor(Map.of("GREETING", "from kiln"), SlurmSettings.defaults())),
            Console.SILENT);
  }

  @AfterEach
  void close() {
    orchestrator.close();
    store.close();
  }

  static RunResult run(Orchestrator o, Step step) {
    Pipeline p =
        new Pipeline(
            step.name(),
            List.of(
                new Node.Execution(
                    step.name(), step.name(), StepOverride.NONE, OnError.STOP_ALL,
                    EdgeMergeMode.REPLACE, List.of(), Map.of())),
            List.of(), List.of(), false, Map.of());
    return o.run(
        Planner.plan(Project.of(List.of(step), List.of(p)), p, Map.of(), Map.of()),
        RunOptions.of("test"));
  }

  ExecutionDetail only(RunResult result) {
    RunDetail run = store.runDetail(result.runId(), true);
    return run.executions().get(0);
  }

  @Test
  void aCommandStepRunsAsASlurmJob() throws Exception {
    Step step =
        Step.command(
                "produce",
                "mkdir -p /valohai/outputs/data",
                "echo \"$GREETING on $SLURM_JOB_NODELIST\" > /valohai/outputs/data/greeting.txt",
                "echo \"job $SLURM_JOB_ID\"",
                "echo '{\"score\": 0.75, \"step\": 1}'",
                "echo '{\"score\": 0.9, \"step\": 2}'",
                "echo progress >&2")
            .build();
    RunResult result = run(orchestrator, step);
    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    ExecutionDetail e = only(result);
    assertThat(e.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(e.execution().exitCode()).isZero();
    assertThat(e.metadataCount()).isEqualTo(2);
    assertThat(e.outputs()).extracting(o -> o.path()).containsExactly("data/greeting.txt");
    Path dir = home.resolve("executions").resolve(e.execution().id());
    String jobId = SlurmExecutor.recordedJobId(dir).orElseThrow();
    SlurmJob job = SlurmExecutor.query(jobId).orElseThrow();
    assertThat(job.state()).isEqualTo("COMPLETED");
    assertThat(e.execution().device()).isEqualTo("slurm:" + job.node().orElseThrow());
    List<LogLine> log = store.logLines(e.execution().id(), 0, 100);
    assertThat(log.stream().filter(l -> l.stream().name().equals("STDOUT")).map(LogLine::text))
        .contains("job " + jobId);
    assertThat(log.stream().filter(l -> l.stream().name().equals("STDERR")).map(LogLine::text))
        .contains("progress");
    assertThat(dir.resolve("outputs/data/greeting.txt"))
        .content()
        .isEqualTo("from kiln on " + job.node().get() + "\n");
  }

  @Test
  void aFailingJobRecordsItsExitCode() {
    RunResult result = run(orchestrator, Step.command("fail", "echo about to fail", "exit 3").build());
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    ExecutionDetail e = only(result);
    assertThat(e.execution().status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.execution().exitCode()).isEqualTo(3);
    assertThat(e.execution().errorMessage()).startsWith("exited with 3 (Slurm job ");
  }

  @Test
  void stopCancelsTheJob() throws Exception {
    Step slow = Step.command("slow", "echo started", "sleep 120").build();
    Thread stopper =
        new Thread(
            () -> {
              try {
                // Until the job has printed its first line: it runs.
                for (int i = 0; i < 600 && !printed(home, "started"); i++) {
                  Thread.sleep(100);
                }
              } catch (InterruptedException e) {
                return;
              }
              orchestrator.stop("stopped by the test");
            });
    stopper.start();
    RunResult result = run(orchestrator, slow);
    stopper.join();
    assertThat(result.status()).isEqualTo(RunStatus.STOPPED);
    ExecutionDetail e = only(result);
    assertThat(e.execution().status()).isEqualTo(ExecutionStatus.STOPPED);
    String jobId =
        SlurmExecutor.recordedJobId(home.resolve("executions").resolve(e.execution().id()))
            .orElseThrow();
    assertThat(SlurmExecutor.query(jobId).orElseThrow().state()).isEqualTo("CANCELLED");
  }

  static boolean printed(Path home, String text) {
    try (var dirs = java.nio.file.Files.list(home.resolve("executions"))) {
      return dirs.map(d -> d.resolve(SlurmBatchScript.STDOUT_FILE))
          .filter(java.nio.file.Files::exists)
          .anyMatch(
              f -> {
                try {
                  return java.nio.file.Files.readString(f).contains(text);
                } catch (java.io.IOException e) {
                  return false;
                }
              });
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void anExecutionRunAgainCollectsTheJobStillRunningInsteadOfSubmittingAnother() throws Exception {
    // What a Kiln killed with -9 leaves: a job running in the execution folder, its id recorded.
    Path folder = home.resolve("executions").resolve("e-resumed");
    var dir = dev.kiln.runner.exec.ExecutionDirectory.create(folder);
    String marker = "kiln-resume-" + System.nanoTime();
    java.nio.file.Files.writeString(
        folder.resolve("earlier.sh"),
        "#!/bin/bash\n#SBATCH --job-name=" + marker + "\n#SBATCH --output=" + folder
            + "/slurm-stdout.log\n#SBATCH --error=" + folder + "/slurm-stderr.log\n"
            + "echo first-half\nsleep 3\necho '{\"loss\": 0.5}'\necho second-half\n");
    var sbatch =
        new ProcessBuilder("sbatch", "--parsable", folder.resolve("earlier.sh").toString())
            .redirectErrorStream(true)
            .start();
    String jobId = new String(sbatch.getInputStream().readAllBytes()).strip();
    assertThat(sbatch.waitFor()).isZero();
    java.nio.file.Files.writeString(folder.resolve(SlurmExecutor.JOB_ID_FILE), jobId + "\n");

    Step step = Step.command("train", "echo this must not run").build();
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> metadata = new java.util.concurrent.CopyOnWriteArrayList<>();
    var result =
        new SlurmExecutor(Map.of(), SlurmSettings.defaults())
            .execute(
                new dev.kiln.runner.executor.ExecutionRequest(
                    "run", "e-resumed", marker, step, Map.of(), dir, home),
                new dev.kiln.runner.executor.ExecutionListener() {
                  @Override
                  public void line(dev.kiln.runner.process.OutputLine line) {
                    lines.add(line.text());
                  }

                  @Override
                  public void metadata(com.fasterxml.jackson.databind.node.ObjectNode entry) {
                    metadata.add(entry.get("loss").asText());
                  }
                });
    assertThat(result.succeeded()).isTrue();
    assertThat(result.detail()).startsWith("exited with 0 (Slurm job " + jobId + " on ");
    assertThat(lines).contains("first-half", "second-half").doesNotContain("this must not run");
    assertThat(lines.get(0)).startsWith("[kiln] collecting Slurm job " + jobId + " (");
    assertThat(metadata).containsExactly("0.5");
    assertThat(SlurmExecutor.recordedJobId(folder)).contains(jobId);
    // No second job: none under the name Kiln gives the node's jobs, no batch script of Kiln's.
    var squeue =
        new ProcessBuilder("squeue", "-h", "-t", "all", "-n", "kiln-" + marker, "-o", "%i")
            .redirectErrorStream(true)
            .start();
    assertThat(new String(squeue.getInputStream().readAllBytes()).strip()).isEmpty();
    assertThat(folder.resolve(SlurmExecutor.SCRIPT_FILE)).doesNotExist();
  }

  @Test
  void aJobOverItsTimeLimitIsRecordedAsTimeout() {
    // Slurm counts --time in minutes: 1s becomes --time=1, and Slurm kills the job after a minute.
    Step slow =
        Step.command("overtime", "echo started", "sleep 600")
            .optTimeLimit(Duration.ofSeconds(1))
            .build();
    RunResult result = run(orchestrator, slow);
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    ExecutionDetail e = only(result);
    assertThat(e.execution().status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.execution().errorMessage())
        .startsWith("Slurm TIMEOUT: the job reached its time limit (--time) (Slurm job ")
        .endsWith("reason TimeLimit)");
  }
}
