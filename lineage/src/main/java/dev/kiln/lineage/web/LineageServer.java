package dev.kiln.lineage.web;

import dev.kiln.lineage.IllegalTransitionException;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.LineageStoreException;
import dev.kiln.lineage.NotFoundException;
import dev.kiln.lineage.artifact.ArtifactStoreException;
import dev.kiln.lineage.model.JsonSupport;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer: a JSON API under {@code /api} and the single-page front end, served by Javalin
 * (Jetty) from one port. It reads an already-open {@link LineageStore} and never closes it, so the
 * process that opened the store (the CLI, a test) decides its lifetime.
 *
 * <p>Other modules add their own endpoints (e.g. {@code POST /api/hooks/git}) by passing route
 * contributors to {@link #start(LineageStore, WebConfig, List)}; they run before the server
 * starts, may throw {@link ApiException} to answer a JSON error, and may call {@link
 * #requireToken(Context)} to guard what they change.
 */
public final class LineageServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LineageServer.class);

  /** Where the front end's files live on the classpath. */
  static final String STATIC_DIR = "/dev/kiln/lineage/web/static";

  /** The header that carries the token; {@code Authorization: Bearer ...} works too. */
  public static final String TOKEN_HEADER = "X-Kiln-Token";

  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data: blob:; connect-src 'self'; object-src 'none';"
          + " base-uri 'none'; frame-ancestors 'none'";

  /** The largest request body a route may read (webhook payloads are far smaller). */
  static final long MAX_REQUEST_BYTES = 1_000_000L;

  private final Javalin app;
  private final WebConfig config;
  private final RunEvents events;

  private LineageServer(Javalin app, WebConfig config, RunEvents events) {
    this.app = app;
    this.config = config;
    this.events = events;
  }

  /** Starts the viewer with the built-in routes only. */
  public static LineageServer start(LineageStore store, WebConfig config) {
    return start(store, config, List.of());
  }

  /**
   * Starts the viewer; each contributor adds routes to the Javalin app before it starts listening.
   *
   * @throws WebServerException when the address cannot be bound (port in use, unknown host)
   */
  public static LineageServer start(
      LineageStore store, WebConfig config, List<Consumer<Javalin>> contributors) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(config, "config");
    Javalin app =
        Javalin.create(
            c -> {
              c.showJavalinBanner = false;
              c.staticFiles.add(STATIC_DIR, Location.CLASSPATH);
              c.staticFiles.enableWebjars();
              c.http.maxRequestSize = MAX_REQUEST_BYTES;
              c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              c.jetty.modifyServletContextHandler(h -> h.setErrorHandler(new JsonErrorHandler()));
            });
    HostCheck hosts = new HostCheck(config);
    app.before(
        ctx -> {
          ctx.header("X-Content-Type-Options", "nosniff");
          ctx.header("Referrer-Policy", "no-referrer");
          ctx.header("Content-Security-Policy", CSP);
          ctx.attribute(WebConfig.class.getName(), config);
          String host = ctx.header("Host");
          if (!hosts.accepts(host)) {
            String shown = host == null ? "" : host.length() > 100 ? host.substring(0, 100) + "..." : host;
            throw new ApiException(
                421,
                "this viewer does not answer for host '"
                    + shown
                    + "'; open it as localhost or its bound address, or start kiln serve with"
                    + " --allowed-host NAME");
          }
        });
    installErrorHandlers(app);
    new ApiRoutes(store).addTo(app);
    RunEvents events = new RunEvents(store);
    events.addTo(app);
    for (Consumer<Javalin> contributor : contributors) {
      contributor.accept(app);
    }
    try {
      app.start(config.bindHost(), config.port());
    } catch (RuntimeException e) {
      app.stop();
      events.close();
      throw new WebServerException(
          "cannot start the viewer on "
              + config.bindHost()
              + ":"
              + config.port()
              + ": "
              + rootMessage(e)
              + " (is the port in use? choose another with --port)",
          e);
    }
    return new LineageServer(app, config, events);
  }

  /** The port it listens on (the real one when the config asked for 0). */
  public int port() {
    return app.port();
  }

  /** {@code http://host:port}, for messages and tests. */
  public String baseUrl() {
    String host = config.bindHost().contains(":") ? "[" + config.bindHost() + "]" : config.bindHost();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    }
    return "http://" + host + ":" + port();
  }

  /** The event streams, for tests. */
  RunEvents events() {
    return events;
  }

  public WebConfig config() {
    return config;
  }

  /** Stops listening; the store stays open. */
  @Override
  public void close() {
    events.close();
    app.stop();
  }

  /**
   * Refuses the request unless it carries the token the server was started with: 401 without it or
   * with a wrong one, 403 when the server has no token (state changes are then off).
   */
  public static void requireToken(Context ctx) {
    WebConfig config = ctx.attribute(WebConfig.class.getName());
    if (config == null || config.token() == null) {
      throw new ApiException(
          403,
          "this viewer was started without a token, so it is read-only; start it with --token"
              + " (or KILN_TOKEN) to allow this");
    }
    String given = ctx.header(TOKEN_HEADER);
    String auth = ctx.header("Authorization");
    if (given == null && auth != null && auth.startsWith("Bearer ")) {
      given = auth.substring("Bearer ".length()).strip();
    }
    if (given == null) {
      throw ApiException.unauthorized(
          "this endpoint changes state: send the viewer's token in the " + TOKEN_HEADER + " header");
    }
    if (!MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), config.token().getBytes(StandardCharsets.UTF_8))) {
      throw ApiException.unauthorized("wrong token");
    }
  }

  private static void installErrorHandlers(Javalin app) {
    app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
    // Javalin's own refusals (413 for a body over the limit, 400 from its validators) in our shape.
    app.exception(
        HttpResponseException.class,
        (e, ctx) ->
            error(
                ctx,
                e.getStatus(),
                e.getStatus() == 413
                    ? "request body too large: the limit is "
                        + MAX_REQUEST_BYTES
                        + " bytes"
                    : e.getMessage()));
    app.exception(NotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
    app.exception(IllegalTransitionException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(
        ArtifactStoreException.class,
        (e, ctx) -> {
          LOG.warn("artifact store: {}", e.getMessage());
          error(ctx, 404, "the artifact store cannot serve this file: " + e.getMessage());
        });
    app.exception(
        LineageStoreException.class,
        (e, ctx) -> {
          LOG.warn("lineage store: {}", e.getMessage());
          error(ctx, 503, e.getMessage());
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("internal error answering {} {}", ctx.method(), ctx.path(), e);
          error(ctx, 500, "internal error; the server log has the details");
        });
    app.error(
        404,
        ctx -> {
          if (ctx.path().startsWith("/api/") && !isJson(ctx)) {
            error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
          }
        });
    app.error(
        405,
        ctx -> {
          if (ctx.path().startsWith("/api/") && !isJson(ctx)) {
            error(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path());
          }
        });
  }

  private static boolean isJson(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith("application/json");
  }

  static void error(Context ctx, int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", message == null ? "error" : message);
    ctx.status(status);
    ctx.header("Content-Disposition", "inline");
    ctx.contentType("application/json; charset=utf-8");
    ctx.result(JsonSupport.write(body));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
