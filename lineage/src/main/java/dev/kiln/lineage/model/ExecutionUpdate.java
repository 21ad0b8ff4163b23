package dev.kiln.lineage.model;

/**
 * Facts that arrive with a state change, written in the same transaction. Every field is optional:
 * null leaves the stored value as it is.
 */
public record ExecutionUpdate(
    String executor, String device, String cacheKey, Integer exitCode, String errorMessage) {

  /** No extra facts. */
  public static final ExecutionUpdate NONE = new ExecutionUpdate(null, null, null, null, null);

  /** With {@link ExecutionEvent#START}: who runs it and on what (e.g. "cuda:0", "cpu"). */
  public static ExecutionUpdate started(String executor, String device) {
    return new ExecutionUpdate(executor, device, null, null, null);
  }

  /** With {@link ExecutionEvent#SUCCEED}; exit code may be null (a Java step has none). */
  public static ExecutionUpdate exited(Integer exitCode) {
    return new ExecutionUpdate(null, null, null, exitCode, null);
  }

  /** With {@link ExecutionEvent#FAIL} or {@link ExecutionEvent#STOP}; exit code may be null. */
  public static ExecutionUpdate failed(Integer exitCode, String errorMessage) {
    return new ExecutionUpdate(null, null, null, exitCode, errorMessage);
  }

  public ExecutionUpdate withCacheKey(String cacheKey) {
    return new ExecutionUpdate(executor, device, cacheKey, exitCode, errorMessage);
  }
}
