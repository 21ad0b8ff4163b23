package dev.kiln.lineage.web;

/**
 * A request the API refuses, with the HTTP status to answer and a message that is safe to show:
 * it becomes {@code {"status": N, "error": "..."}} and never a stack trace. Public so that routes
 * added through {@link LineageServer#start} answer errors the same way.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiException(int status, String message) {
    super(message);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an API error status must be 4xx or 5xx, got " + status);
    }
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, message);
  }
}
