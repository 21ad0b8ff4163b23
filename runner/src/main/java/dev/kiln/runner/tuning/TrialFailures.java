package dev.kiln.runner.tuning;

import dev.kiln.pipelines.tuning.TuningSpec;

/**
 * What failed trials do to a tuning job, by the spec's {@link
 * dev.kiln.pipelines.tuning.OnTrialError}: AI Platform's failure budget ({@code maxFailedTrials})
 * or Valohai's {@code on-child-error}. Pure functions of counts, so a resumed job decides as the
 * first run did.
 */
public final class TrialFailures {
  private TrialFailures() {}

  /** Whether the job stops starting trials (and stops those running) after a failure. */
  public static boolean stopAfterFailure(TuningSpec spec, int failedSoFar) {
    return switch (spec.onTrialError()) {
      case FAILURE_BUDGET -> failedSoFar >= spec.failureBudget();
      case STOP_ALL_AND_ERROR -> failedSoFar > 0;
      case CONTINUE_AND_COMPLETE, CONTINUE_AND_ERROR -> false;
    };
  }

  /**
   * Whether the job, once no trial runs, has failed. A job without one succeeded trial has no best
   * trial to carry on, so it fails whatever the policy.
   */
  public static boolean jobFailed(TuningSpec spec, int failed, int succeeded) {
    if (succeeded == 0) {
      return true;
    }
    return switch (spec.onTrialError()) {
      case FAILURE_BUDGET -> failed >= spec.failureBudget();
      case CONTINUE_AND_COMPLETE -> false;
      case CONTINUE_AND_ERROR, STOP_ALL_AND_ERROR -> failed > 0;
    };
  }
}
