package dev.kiln.runner.executor.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.runner.executor.ExecutionResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What needs no cluster: option mapping, the script, Slurm's answers, results. */
class SlurmExecutorTest {
  static final Path DIR = Path.of("/shared/kiln/executions/e1");

  @Test
  void mapsResourcesToSbatchOptions() {
    Step step =
        Step.command("train", "python train.py")
            .optResources(
                Resources.DEFAULT.withCpu(2.5, 4.0).withMemoryMb(8192L, null).withGpus(2))
            .optTimeLimit(Duration.ofSeconds(90))
            .build();
    SlurmSettings settings =
        SlurmSettings.fromEnvironment(
            Map.of("KILN_SLURM_PARTITION", "gpu", "KILN_SLURM_ACCOUNT", "vision"));
    assertThat(SlurmBatchScript.options(step, settings, "kiln-train", DIR))
        .containsExactly(
            "--job-name=kiln-train",
            "--chdir=/shared/kiln/executions/e1",
            "--output=/shared/kiln/executions/e1/slurm-stdout.log",
            "--error=/shared/kiln/executions/e1/slurm-stderr.log",
            "--ntasks=1",
            "--cpus-per-task=3",
            "--mem=8192M",
            "--gres=gpu:2",
            "--time=2",
            "--partition=gpu",
            "--account=vision");
  }

  @Test
  void theStepsEnvironmentPicksItsPartition() {
    Step step = Step.command("train", "python train.py").optEnvironment("slurm:gpu-a100").build();
    SlurmSettings settings = SlurmSettings.fromEnvironment(Map.of("KILN_SLURM_PARTITION", "cpu"));
    assertThat(SlurmBatchScript.options(step, settings, "kiln-train", DIR))
        .contains("--partition=gpu-a100")
        .doesNotContain("--partition=cpu");
    Step other = Step.command("train", "python train.py").optEnvironment("aws-p3").build();
    assertThat(SlurmBatchScript.options(other, settings, "kiln-train", DIR))
        .contains("--partition=cpu");
  }

  @Test
  void aStepWithoutResourcesGetsSlurmsDefaults() {
    Step step = Step.command("echo", "echo hi").build();
    assertThat(SlurmBatchScript.options(step, SlurmSettings.defaults(), "kiln-echo", DIR))
        .containsExactly(
            "--job-name=kiln-echo",
            "--chdir=/shared/kiln/executions/e1",
            "--output=/shared/kiln/executions/e1/slurm-stdout.log",
            "--error=/shared/kiln/executions/e1/slurm-stderr.log",
            "--ntasks=1");
    assertThat(SlurmBatchScript.minutes(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(SlurmBatchScript.minutes(Duration.ofMinutes(120))).isEqualTo(120);
  }

  @Test
  void theScriptExportsTheStepsVariablesQuoted() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VH_OUTPUTS_DIR", "/shared/e1/outputs");
    env.put("GREETING", "it's here");
    env.put("not a name", "skipped");
    String script =
        SlurmBatchScript.script(List.of("--ntasks=1", "--time=2"), env, DIR, "e1");
    assertThat(script)
        .isEqualTo(
            "#!/bin/bash\n"
                + "# Kiln execution e1 (written by the slurm executor)\n"
                + "#SBATCH --ntasks=1\n"
                + "#SBATCH --time=2\n"
                + "export VH_OUTPUTS_DIR='/shared/e1/outputs'\n"
                + "export GREETING='it'\\''s here'\n"
                + "cd '/shared/kiln/executions/e1' || exit 1\n"
                + "exec bash config/command.sh </dev/null\n");
  }

  @Test
  void aBadPollIntervalNamesTheVariable() {
    assertThatThrownBy(() -> SlurmSettings.fromEnvironment(Map.of("KILN_SLURM_POLL_MS", "fast")))
        .hasMessage(
            "KILN_SLURM_POLL_MS=fast: expected a positive number of milliseconds (e.g. 250)");
  }

  @Test
  void readsScontrolAndSacct() {
    String line =
        "JobId=42 JobName=kiln-train UserId=root(0) JobState=TIMEOUT Reason=TimeLimit"
            + " Dependency=(null) ExitCode=0:15 RunTime=00:01:03 NodeList=node7 BatchHost=node7";
    assertThat(SlurmJob.parseScontrol("42", line))
        .contains(new SlurmJob("42", "TIMEOUT", "TimeLimit", 0, 15, Optional.of("node7")));
    assertThat(SlurmJob.parseScontrol("42", "JobId=42 JobState=PENDING Reason=Priority"
            + " ExitCode=0:0 NodeList=(null) BatchHost=(null)"))
        .contains(new SlurmJob("42", "PENDING", "Priority", 0, 0, Optional.empty()));
    assertThat(SlurmJob.parseScontrol("42", "slurm_load_jobs error: Invalid job id specified"))
        .isEmpty();
    assertThat(SlurmJob.parseSacct("42", "42|CANCELLED by 0|0:0|node7|None\n"))
        .contains(new SlurmJob("42", "CANCELLED", "None", 0, 0, Optional.of("node7")));
    assertThat(SlurmJob.parseSacct("42", "")).isEmpty();
  }

  @Test
  void mapsSlurmsEndsToResults() {
    ExecutionResult ok =
        SlurmExecutor.result(new SlurmJob("7", "COMPLETED", "None", 0, 0, Optional.of("n1")), null);
    assertThat(ok).isEqualTo(
        new ExecutionResult(true, false, Optional.of(0), "exited with 0 (Slurm job 7 on n1)", "slurm:n1"));
    ExecutionResult failed =
        SlurmExecutor.result(new SlurmJob("7", "FAILED", "NonZeroExitCode", 3, 0, Optional.of("n1")), null);
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.exitCode()).contains(3);
    assertThat(failed.detail()).isEqualTo("exited with 3 (Slurm job 7 on n1)");
    ExecutionResult timeout =
        SlurmExecutor.result(new SlurmJob("7", "TIMEOUT", "TimeLimit", 0, 15, Optional.of("n1")), null);
    assertThat(timeout.stopped()).isFalse();
    assertThat(timeout.detail())
        .isEqualTo(
            "Slurm TIMEOUT: the job reached its time limit (--time) (Slurm job 7 on n1, reason"
                + " TimeLimit)");
    ExecutionResult preempted =
        SlurmExecutor.result(new SlurmJob("7", "PREEMPTED", "None", 0, 9, Optional.of("n1")), null);
    assertThat(preempted.detail()).startsWith("Slurm PREEMPTED: the job was preempted");
    ExecutionResult stopped =
        SlurmExecutor.result(new SlurmJob("7", "CANCELLED", "None", 0, 15, Optional.of("n1")), "stopped");
    assertThat(stopped.stopped()).isTrue();
    assertThat(stopped.detail()).isEqualTo("stopped (Slurm job 7 on n1 cancelled)");
    ExecutionResult byAdmin =
        SlurmExecutor.result(new SlurmJob("7", "CANCELLED", "None", 0, 15, Optional.of("n1")), null);
    assertThat(byAdmin.stopped()).isFalse();
    assertThat(byAdmin.detail()).isEqualTo("Slurm CANCELLED (Slurm job 7 on n1, reason None)");
  }
}
