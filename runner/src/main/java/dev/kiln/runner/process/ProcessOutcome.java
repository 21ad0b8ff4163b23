package dev.kiln.runner.process;

import java.time.Duration;

/**
 * How a process ended.
 *
 * @param exitCode the exit status, or -1 when it never started or was killed by Kiln
 */
public record ProcessOutcome(Ending ending, int exitCode, Duration elapsed, String detail) {
  /** Why it ended. */
  public enum Ending {
    EXITED,
    TIME_LIMIT,
    NO_OUTPUT_TIMEOUT,
    STOPPED,
    FAILED_TO_START
  }

  public boolean succeeded() {
    return ending == Ending.EXITED && exitCode == 0;
  }
}
