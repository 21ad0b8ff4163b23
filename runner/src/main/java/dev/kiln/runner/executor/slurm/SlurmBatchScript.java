package dev.kiln.runner.executor.slurm;

import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The batch script Kiln hands to {@code sbatch} for one execution: {@code #SBATCH} lines with the
 * step's resources mapped to Slurm's, then the step's {@code VH_*} and other variables, then the
 * step's command script ({@code config/command.sh}, {@code set -e}, as the local executor runs it)
 * from the execution folder. Kept in the folder as {@code slurm-job.sh}, so the job can be read or
 * submitted again by hand.
 */
public final class SlurmBatchScript {
  /** Standard output and error of the job, tailed into the store while it runs. */
  public static final String STDOUT_FILE = "slurm-stdout.log";

  public static final String STDERR_FILE = "slurm-stderr.log";

  /** A step's valohai.yaml {@code environment: slurm:<partition>} names its partition. */
  public static final String ENVIRONMENT_PREFIX = "slurm:";

  private SlurmBatchScript() {}

  /**
   * The {@code sbatch} options for {@code step}: {@code --cpus-per-task} (valohai.yaml's {@code
   * resources.cpu}, rounded up), {@code --mem} ({@code resources.memory} in MB), {@code
   * --gres=gpu:N} for a GPU step, {@code --time} from the step's time limit (Slurm counts whole
   * minutes: rounded up), the partition of the step's {@code environment: slurm:<partition>} else
   * of the settings, the account of the settings.
   */
  public static List<String> options(
      Step step, SlurmSettings settings, String jobName, Path executionDir) {
    List<String> o = new ArrayList<>();
    o.add("--job-name=" + jobName);
    o.add("--chdir=" + executionDir);
    o.add("--output=" + executionDir.resolve(STDOUT_FILE));
    o.add("--error=" + executionDir.resolve(STDERR_FILE));
    o.add("--ntasks=1");
    Resources r = step.resources();
    r.cpuMin().or(r::cpuMax)
        .ifPresent(c -> o.add("--cpus-per-task=" + Math.max(1, (long) Math.ceil(c))));
    r.memoryMinMb().or(r::memoryMaxMb).ifPresent(m -> o.add("--mem=" + Math.max(1, m) + "M"));
    if (r.gpus() > 0) {
      o.add("--gres=gpu:" + r.gpus());
    }
    step.timeLimit().ifPresent(t -> o.add("--time=" + minutes(t)));
    // valohai.yaml's environment "slurm:<partition>" picks the step's partition.
    step.environment()
        .filter(e -> e.startsWith(ENVIRONMENT_PREFIX) && e.length() > ENVIRONMENT_PREFIX.length())
        .map(e -> e.substring(ENVIRONMENT_PREFIX.length()))
        .or(settings::partition)
        .ifPresent(p -> o.add("--partition=" + p));
    settings.account().ifPresent(a -> o.add("--account=" + a));
    return List.copyOf(o);
  }

  /** Slurm's {@code --time} in minutes, at least 1. */
  static long minutes(Duration d) {
    long s = d.toSeconds();
    return Math.max(1, (s + 59) / 60);
  }

  /** The script's text: {@code #SBATCH} lines, exports, then {@code config/command.sh}. */
  public static String script(
      List<String> options, Map<String, String> environment, Path executionDir, String executionId) {
    Objects.requireNonNull(executionDir);
    StringBuilder sb = new StringBuilder("#!/bin/bash\n");
    sb.append("# Kiln execution ").append(executionId).append(" (written by the slurm executor)\n");
    for (String o : options) {
      if (o.contains("\n")) {
        throw new IllegalArgumentException("an sbatch option holds a line break: " + o);
      }
      sb.append("#SBATCH ").append(o).append('\n');
    }
    for (var e : environment.entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        continue;
      }
      sb.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append('\n');
    }
    sb.append("cd ").append(quote(executionDir.toString())).append(" || exit 1\n");
    sb.append("exec bash config/command.sh </dev/null\n");
    return sb.toString();
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
