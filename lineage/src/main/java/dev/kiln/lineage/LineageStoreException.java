package dev.kiln.lineage;

/**
 * The lineage store could not do what was asked. The message names the store (database file or
 * URL), the run or execution concerned, and what to do; it is meant to be shown to a user as it is,
 * without a stack trace.
 */
public class LineageStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LineageStoreException(String message) {
    super(message);
  }

  public LineageStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
