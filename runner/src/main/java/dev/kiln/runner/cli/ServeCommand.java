package dev.kiln.runner.cli;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.web.LineageServer;
import dev.kiln.lineage.web.WebConfig;
import dev.kiln.lineage.web.WebServerException;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln serve [--port 8080] [--bind 127.0.0.1] [--token T]}: the viewer and REST API. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve the web lineage viewer and its JSON API (under /api) until stopped with Ctrl-C."
            + " With the embedded store, runs that another process starts meanwhile are not"
            + " visible until the server stops (H2 admits one process); set KILN_DB_URL to a"
            + " PostgreSQL store for a live view.")
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080",
      description = "port to listen on, 0 for any free one (default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = WebConfig.DEFAULT_BIND,
      description = "address to listen on (default ${DEFAULT-VALUE}: this machine only)")
  String bind;

  @Option(names = "--token",
      description = "token that state-changing endpoints (stop a run) require, in the "
          + LineageServer.TOKEN_HEADER + " header; default: $KILN_TOKEN, and without one the"
          + " viewer is read-only")
  String token;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new UserException("--port must be 0..65535, got " + port);
    }
    String t = token != null ? token : System.getenv("KILN_TOKEN");
    WebConfig config = new WebConfig(bind, port, t);
    var out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (LineageStore store = KilnRuntime.openStore()) {
      LineageServer server;
      try {
        server = LineageServer.start(store, config, routeContributors(store));
      } catch (WebServerException e) {
        throw new UserException(e.getMessage());
      }
      Thread hook =
          new Thread(
              () -> {
                server.close();
                stopped.countDown();
              },
              "kiln-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("Kiln viewer: " + server.baseUrl() + "/  (Ctrl-C stops it)");
      if (!WebConfig.DEFAULT_BIND.equals(bind) && !"localhost".equals(bind)) {
        out.println(
            "warning: listening on " + bind + ": anyone who can reach it can read every log and"
                + " artifact of this Kiln home");
      }
      out.println(t == null ? "read-only: no --token given" : "state changes need the token");
      out.flush();
      stopped.await();
    }
    return 0;
  }

  /**
   * Routes other modules add to the viewer before it starts (for example the Git webhook); the
   * built-in API and pages are always there.
   */
  static List<Consumer<Javalin>> routeContributors(LineageStore store) {
    return new ArrayList<>();
  }
}
