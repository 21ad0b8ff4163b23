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
