package dev.kiln.runner.executor.slurm;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how Kiln submits to Slurm: the partition and account every job gets ({@code
 * KILN_SLURM_PARTITION}, {@code KILN_SLURM_ACCOUNT}; Slurm's defaults when unset) and how often a
 * running job's state is asked for ({@code KILN_SLURM_POLL_MS}, default 250).
 */
public record SlurmSettings(
    Optional<String> partition, Optional<String> account, Duration pollInterval) {
  public static final String PARTITION_ENV = "KILN_SLURM_PARTITION";
  public static final String ACCOUNT_ENV = "KILN_SLURM_ACCOUNT";
  public static final String POLL_ENV = "KILN_SLURM_POLL_MS";

  public SlurmSettings {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("the Slurm poll interval must be positive");
    }
  }

  public static SlurmSettings defaults() {
    return new SlurmSettings(Optional.empty(), Optional.empty(), Duration.ofMillis(250));
  }

  /**
   * @throws IllegalArgumentException naming the variable when {@code KILN_SLURM_POLL_MS} is not a
   *     positive number
   */
  public static SlurmSettings fromEnvironment(Map<String, String> env) {
    Duration poll = Duration.ofMillis(250);
    String p = blankToNull(env.get(POLL_ENV));
    if (p != null) {
      long ms;
      try {
        ms = Long.parseLong(p.strip());
      } catch (NumberFormatException e) {
        ms = -1;
      }
      if (ms <= 0) {
        throw new IllegalArgumentException(
            POLL_ENV + "=" + p + ": expected a positive number of milliseconds (e.g. 250)");
      }
      poll = Duration.ofMillis(ms);
    }
    return new SlurmSettings(
        Optional.ofNullable(blankToNull(env.get(PARTITION_ENV))),
        Optional.ofNullable(blankToNull(env.get(ACCOUNT_ENV))),
        poll);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
