package dev.kiln.runner.git;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a webhook request, ready to be written as an HTTP response.
 *
 * @param status 202 a push was taken by a watch, 200 valid but nothing to do (ping, other events,
 *     no watch for that branch, branch deleted), 400 malformed, 401 bad or missing signature
 * @param message one line for the response body and the log; never holds the secret
 */
public record WebhookResult(int status, String message, Optional<PushEvent> push) {
  public WebhookResult {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(push, "push");
  }

  public boolean accepted() {
    return status == 200 || status == 202;
  }
}
