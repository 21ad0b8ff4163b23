package dev.kiln.runner.cli;

import dev.kiln.runner.beam.BeamSettings;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The Beam runner options shared by the commands that run pipelines ({@code run}, {@code exec},
 * {@code resume}). The environment ({@code KILN_BEAM_RUNNER}, {@code KILN_FLINK_MASTER}, {@code
 * KILN_BEAM_PARALLELISM}) gives the defaults; these options win over it.
 */
final class BeamOptions {
  @Option(
      names = "--flink-master",
      paramLabel = "HOST:PORT",
      description =
          "run Beam steps on this Flink cluster (its REST address, e.g. localhost:8081);"
              + " default: KILN_FLINK_MASTER, else an embedded Flink started on first use")
  String flinkMaster;

  @Option(
      names = "--beam-runner",
      paramLabel = "RUNNER",
      description = "flink (default) or direct; default: KILN_BEAM_RUNNER")
  String runner;

  /**
   * Where command steps run; here rather than on each command so that {@code run}, {@code exec},
   * {@code resume} and {@code tune} all take it.
   */
  @Option(
      names = "--executor",
      paramLabel = "EXECUTOR",
      description =
          "where command steps run: local (default) or slurm (sbatch on the cluster this machine"
              + " submits to; docs/slurm.md); default: KILN_EXECUTOR")
  String executor;

  /** {@code --executor}, else {@code KILN_EXECUTOR}, else {@code local}; lower case. */
  String executor(Map<String, String> env) {
    String e = executor != null ? executor : env.get("KILN_EXECUTOR");
    e = e == null || e.isBlank() ? "local" : e.strip().toLowerCase(java.util.Locale.ROOT);
    if (!e.equals("local") && !e.equals("slurm")) {
      throw new UserException(
          (executor != null ? "--executor " : "KILN_EXECUTOR=")
              + e
              + ": unknown executor (known: local, slurm)");
    }
    return e;
  }

  /** No options given: the environment alone decides. */
  static BeamOptions none() {
    return new BeamOptions();
  }

  /**
   * The settings from {@code env} overridden by these options.
   *
   * @throws UserException naming the option or variable that is wrong
   */
  BeamSettings settings(Map<String, String> env) {
    BeamSettings fromEnv;
    try {
      java.util.Map<String, String> e = new java.util.HashMap<>(env);
      if (runner != null) {
        e.put(BeamSettings.RUNNER_ENV, runner);
        if (runner.strip().equalsIgnoreCase("direct") && flinkMaster == null) {
          e.remove(BeamSettings.FLINK_MASTER_ENV);
        }
      }
      if (flinkMaster != null) {
        e.remove(BeamSettings.FLINK_MASTER_ENV);
      }
      fromEnv = BeamSettings.fromEnvironment(e);
    } catch (IllegalArgumentException e) {
      throw new UserException(
          (runner != null ? "--beam-runner " + runner + " or the environment: " : "")
              + e.getMessage());
    }
    if (flinkMaster == null) {
      return fromEnv;
    }
    if (fromEnv.mode() == BeamSettings.Mode.DIRECT) {
      throw new UserException(
          "--flink-master " + flinkMaster + " needs the flink runner, but the runner is direct");
    }
    try {
      return fromEnv.withFlinkMaster(flinkMaster.strip());
    } catch (IllegalArgumentException e) {
      throw new UserException("--flink-master " + e.getMessage());
    }
  }

  /** The Flink master these options name, if any (for child processes' environment). */
  Optional<String> flinkMaster() {
    return Optional.ofNullable(flinkMaster).map(String::strip);
  }
}
