package dev.kiln.runner.beam;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Beam runner the {@code beam} executor uses.
 *
 * @param mode the DirectRunner or the Flink runner
 * @param flinkMaster a Flink cluster's REST address {@code host:port}, or empty for an embedded
 *     Flink (a mini cluster started on first use); only with {@link Mode#FLINK}
 * @param parallelism the job parallelism (and the embedded Flink's task slots)
 */
public record BeamSettings(Mode mode, Optional<String> flinkMaster, int parallelism) {
  /** Environment variable: {@code direct} or {@code flink} (the default). */
  public static final String RUNNER_ENV = "KILN_BEAM_RUNNER";

  /** Environment variable: {@code host:port} of a Flink cluster's REST endpoint. */
  public static final String FLINK_MASTER_ENV = "KILN_FLINK_MASTER";

  /** Environment variable: job parallelism (default: the number of cores). */
  public static final String PARALLELISM_ENV = "KILN_BEAM_PARALLELISM";

  /** The runners Kiln supports. */
  public enum Mode {
    /** Beam's DirectRunner, in the orchestrator's JVM. */
    DIRECT,
    /** Beam's Flink runner, on an embedded mini cluster or a real cluster. */
    FLINK;

    /** The name used in settings, e.g. {@code flink}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public BeamSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(flinkMaster, "flinkMaster");
    checkArgument(parallelism >= 1, "parallelism must be at least 1, got %s", parallelism);
    checkArgument(
        flinkMaster.isEmpty() || mode == Mode.FLINK,
        "a Flink master (%s) needs the flink runner, not %s",
        flinkMaster.orElse(""),
        mode.id());
    flinkMaster.ifPresent(BeamSettings::checkHostPort);
  }

  /** The DirectRunner. */
  public static BeamSettings direct(int parallelism) {
    return new BeamSettings(Mode.DIRECT, Optional.empty(), parallelism);
  }

  /** An embedded Flink, started on first use. */
  public static BeamSettings embeddedFlink(int parallelism) {
    return new BeamSettings(Mode.FLINK, Optional.empty(), parallelism);
  }

  /** A running Flink cluster, by its REST address {@code host:port}. */
  public static BeamSettings flinkCluster(String hostPort, int parallelism) {
    return new BeamSettings(Mode.FLINK, Optional.of(hostPort), parallelism);
  }

  /**
   * From {@value #RUNNER_ENV}, {@value #FLINK_MASTER_ENV} and {@value #PARALLELISM_ENV}. A Flink
   * master implies the flink runner.
   *
   * @throws IllegalArgumentException naming the variable and what it accepts
   */
  public static BeamSettings fromEnvironment(Map<String, String> env) {
    String runner = env.getOrDefault(RUNNER_ENV, "").strip().toLowerCase(Locale.ROOT);
    String master = env.getOrDefault(FLINK_MASTER_ENV, "").strip();
    String par = env.getOrDefault(PARALLELISM_ENV, "").strip();
    int parallelism = Runtime.getRuntime().availableProcessors();
    if (!par.isEmpty()) {
      try {
        parallelism = Integer.parseInt(par);
      } catch (NumberFormatException e) {
        parallelism = 0;
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException(
            PARALLELISM_ENV + " is \"" + par + "\"; expected a whole number of at least 1");
      }
    }
    Mode mode;
    switch (runner) {
      case "", "flink" -> mode = Mode.FLINK;
      case "direct" -> mode = Mode.DIRECT;
      default ->
          throw new IllegalArgumentException(
              RUNNER_ENV + " is \"" + runner + "\"; expected direct or flink");
    }
    if (master.isEmpty()) {
      return new BeamSettings(mode, Optional.empty(), parallelism);
    }
    if (mode == Mode.DIRECT) {
      throw new IllegalArgumentException(
          FLINK_MASTER_ENV
              + " is set ("
              + master
              + ") but "
              + RUNNER_ENV
              + " is direct; unset one of them");
    }
    try {
      return flinkCluster(master, parallelism);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(FLINK_MASTER_ENV + " " + e.getMessage(), e);
    }
  }

  /** The same with another Flink master (as the CLI's {@code --flink-master} gives it). */
  public BeamSettings withFlinkMaster(String hostPort) {
    return flinkCluster(hostPort, parallelism);
  }

  private static void checkHostPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    boolean ok = colon > 0 && colon < hostPort.length() - 1;
    if (ok) {
      try {
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        ok = port > 0 && port < 65536;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "\"" + hostPort + "\" is not host:port (for example localhost:8081)");
    }
  }
}
