package dev.kiln.lineage.web;

/**
 * A request the API refuses, with the HTTP status to answer and a message that is safe to show:
 * it becomes {@code {"status": N, "error": "..."}} and never a stack trace.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }
}
