package dev.kiln.lineage.model;

/**
 * An execution to create in a run: one node of the pipeline, or one trial of a task node
 * ({@link #trialOf}). Required: {@code runId}, {@code
 * nodeName} (unique in the run), {@code stepName}. Optional: {@code executor} (process, beam, djl;
 * may also be given when it starts) and {@code cacheKey} (what makes two executions
 * interchangeable, for reuse).
 */
public record NewExecution(
    String runId,
    String nodeName,
    String stepName,
    String executor,
    String cacheKey,
    String parentId,
    int trial) {
  public NewExecution {
    Checks.nonBlank(runId, "run id");
    Checks.nonBlank(nodeName, "node name");
    Checks.nonBlank(stepName, "step name");
    Checks.trial(trial, parentId);
  }

  public NewExecution(
      String runId, String nodeName, String stepName, String executor, String cacheKey) {
    this(runId, nodeName, stepName, executor, cacheKey, null, 0);
  }

  public static NewExecution of(String runId, String nodeName, String stepName) {
    return new NewExecution(runId, nodeName, stepName, null, null);
  }

  /**
   * Trial {@code number} (from 1) of the task node whose execution is {@code task}: same run,
   * node and step, its own execution id, parameters, logs, metadata and outputs.
   */
  public static NewExecution trialOf(ExecutionRecord task, int number) {
    if (number < 1) {
      throw new IllegalArgumentException("trials are numbered from 1; got " + number);
    }
    if (task.isTrial()) {
      throw new IllegalArgumentException(
          "execution " + task.id() + " is itself a trial; trials belong to a task's execution");
    }
    return new NewExecution(
        task.runId(), task.nodeName(), task.stepName(), task.executor(), null, task.id(), number);
  }

  public NewExecution withExecutor(String executor) {
    return new NewExecution(runId, nodeName, stepName, executor, cacheKey, parentId, trial);
  }

  public NewExecution withCacheKey(String cacheKey) {
    return new NewExecution(runId, nodeName, stepName, executor, cacheKey, parentId, trial);
  }
}
