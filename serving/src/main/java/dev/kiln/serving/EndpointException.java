package dev.kiln.serving;

import java.util.Map;

/**
 * A request the endpoint refuses, with the HTTP status and a message that says what was wrong
 * and where ({@code instances[2]: not an image ...}); the client sees {@code {"error": message}}.
 */
public final class EndpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final Map<String, String> headers;

  public EndpointException(int status, String message) {
    this(status, message, Map.of());
  }

  public EndpointException(int status, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  public int status() {
    return status;
  }

  /** Extra response headers, such as {@code Retry-After} on a 503. */
  public Map<String, String> headers() {
    return headers;
  }
}
