package dev.kiln.lineage.model;

/**
 * An execution to create in a run: one node of the pipeline. Required: {@code runId}, {@code
 * nodeName} (unique in the run), {@code stepName}. Optional: {@code executor} (process, beam, djl;
 * may also be given when it starts) and {@code cacheKey} (what makes two executions
 * interchangeable, for reuse).
 */
public record NewExecution(
    String runId, String nodeName, String stepName, String executor, String cacheKey) {
  public NewExecution {
    Checks.nonBlank(runId, "run id");
    Checks.nonBlank(nodeName, "node name");
    Checks.nonBlank(stepName, "step name");
  }

  public static NewExecution of(String runId, String nodeName, String stepName) {
    return new NewExecution(runId, nodeName, stepName, null, null);
  }

  public NewExecution withExecutor(String executor) {
    return new NewExecution(runId, nodeName, stepName, executor, cacheKey);
  }

  public NewExecution withCacheKey(String cacheKey) {
    return new NewExecution(runId, nodeName, stepName, executor, cacheKey);
  }
}
