package dev.kiln.pipelines.tuning;

/**
 * What a failed trial does to its tuning job. {@link #FAILURE_BUDGET} is AI Platform's reading:
 * the job goes on until {@link TuningSpec#failureBudget()} trials have failed, then stops and
 * fails. The other three are Valohai's {@code on-child-error}: go on with the remaining trials and
 * complete, go on and then fail the job, or stop every trial and fail at the first failure.
 */
public enum OnTrialError {
  FAILURE_BUDGET,
  CONTINUE_AND_COMPLETE,
  CONTINUE_AND_ERROR,
  STOP_ALL_AND_ERROR
}
