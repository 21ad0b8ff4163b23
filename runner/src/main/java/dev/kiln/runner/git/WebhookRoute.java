package dev.kiln.runner.git;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.util.Map;

/**
 * Serves a {@link WebhookHandler} at {@code POST /api/hooks/git} on a Javalin app: {@code kiln
 * serve} and {@code kiln watch --webhook-port} both call {@link #register}. The raw body is handed
 * over untouched because the GitHub signature covers its exact bytes.
 */
public final class WebhookRoute {
  /** Where forges are told to send pushes. */
  public static final String PATH = "/api/hooks/git";

  /**
   * The largest body a server should accept on this route: GitHub caps push payloads at 25 MB,
   * while Javalin's default limit is 1 MB.
   */
  public static final long MAX_BODY_BYTES = 25L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookRoute() {}

  /**
   * Adds the route. The response is {@code {"status": N, "message": "..."}} with N as the HTTP
   * status (202 push taken, 200 nothing to do, 400 malformed, 401 refused).
   */
  public static void register(Javalin app, WebhookHandler handler) {
    app.post(
        PATH,
        ctx -> {
          Map<String, String> headers = ctx.headerMap();
          WebhookResult result = handler.handle(headers, ctx.bodyAsBytes());
          ObjectNode body = JSON.createObjectNode();
          body.put("status", result.status());
          body.put("message", result.message());
          ctx.status(result.status())
              .contentType("application/json")
              .result(JSON.writeValueAsString(body));
        });
  }
}
