package dev.kiln.runner.cli;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.web.LineageServer;
import dev.kiln.lineage.web.WebConfig;
import dev.kiln.lineage.web.WebServerException;
import dev.kiln.runner.git.GitCredentials;
import dev.kiln.runner.git.GitException;
import dev.kiln.runner.git.GitTriggers;
import dev.kiln.runner.git.GitUrls;
import dev.kiln.runner.git.GitWatcher;
import dev.kiln.runner.git.WebhookHandler;
import dev.kiln.runner.git.WebhookRoute;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln serve [--port 8080] [--bind 127.0.0.1] [--token T] [--allowed-host NAME]...
 * [--watch PIPELINE=REPO[#BRANCH]]}:
 * the viewer and REST API, the Git webhook, and optionally Git watchers.
 */
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

  @Option(
      names = "--allowed-host",
      paramLabel = "NAME",
      description =
          "also answer requests whose Host header is NAME (a reverse proxy's or this machine's"
              + " name or address), besides localhost, 127.0.0.1, [::1] and the --bind address;"
              + " others get 421, which stops DNS-rebinding pages; repeatable")
  List<String> allowedHosts;

  @Option(
      names = "--watch",
      paramLabel = "PIPELINE=REPO[#BRANCH]",
      description =
          "also run PIPELINE for every new commit of the repository's BRANCH (default main), as"
              + " kiln watch does; repeatable. Signed push webhooks on POST /api/hooks/git"
              + " (secret: KILN_WEBHOOK_SECRET) make the watchers poll at once")
  List<String> watches;

  @Option(
      names = "--watch-interval",
      defaultValue = "30s",
      paramLabel = "DURATION",
      converter = WatchCommand.DurationConverter.class,
      description = "time between polls of --watch repositories (default ${DEFAULT-VALUE})")
  Duration watchInterval;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new UserException("--port must be 0..65535, got " + port);
    }
    String t = token != null ? token : System.getenv("KILN_TOKEN");
    WebConfig config;
    try {
      config = new WebConfig(bind, port, t, allowedHosts == null ? List.of() : allowedHosts);
    } catch (IllegalArgumentException e) {
      throw new UserException("--allowed-host: " + e.getMessage());
    }
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    Consumer<String> log =
        line -> {
          synchronized (err) {
            err.println("kiln: " + line);
            err.flush();
          }
        };
    List<GitWatcher.Settings> watchSettings = watchSettings();
    GitCredentials credentials = GitCredentials.NONE;
    if (!watchSettings.isEmpty()) {
      try {
        credentials = GitCredentials.fromEnvironment(System.getenv());
      } catch (GitException e) {
        throw new UserException(e.getMessage());
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // With --watch the server also runs pipelines: a whole runtime (executors), not just a store.
    try (KilnRuntime runtime =
            watchSettings.isEmpty() ? null : KilnRuntime.open(new TerminalConsole(err), null);
        LineageStore ownStore = runtime == null ? KilnRuntime.openStore() : null;
        GitTriggers triggers = startWatchers(watchSettings, runtime, credentials, log)) {
      LineageStore store = runtime != null ? runtime.store : ownStore;
      WebhookHandler hooks =
          WebhookHandler.fromEnvironment(
              System.getenv(), triggers != null ? triggers : push -> false, log);
      List<Consumer<Javalin>> contributors = routeContributors(store);
      contributors.add(app -> WebhookRoute.register(app, hooks));
      LineageServer server;
      try {
        server = LineageServer.start(store, config, contributors);
      } catch (WebServerException e) {
        throw new UserException(e.getMessage());
      }
      Thread hook =
          new Thread(
              () -> {
                server.close();
                if (triggers != null) {
                  triggers.shutDown();
                }
                stopped.countDown();
              },
              "kiln-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("Kiln viewer: " + server.baseUrl() + "/  (Ctrl-C stops it)");
      if (!WebConfig.DEFAULT_BIND.equals(bind) && !"localhost".equals(bind)) {
        out.println(
            "warning: listening on " + bind + ": anyone who can reach it can read every log and"
                + " artifact of this Kiln home; browsers that open it by another name than "
                + bind + " need --allowed-host NAME");
      }
      out.println(t == null ? "read-only: no --token given" : "state changes need the token");
      out.println(
          hooks.enabled()
              ? "Git webhook: POST " + server.baseUrl() + WebhookRoute.PATH
              : "Git webhook off: set " + WebhookHandler.ENV_SECRET + " to accept pushes");
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

  /** {@code PIPELINE=REPO[#BRANCH]}, checked before anything opens. */
  private List<GitWatcher.Settings> watchSettings() {
    List<GitWatcher.Settings> out = new ArrayList<>();
    for (String w : watches == null ? List.<String>of() : watches) {
      int eq = w.indexOf('=');
      String repo = eq < 0 ? "" : w.substring(eq + 1);
      int hash = repo.lastIndexOf('#');
      String branch = hash < 0 ? "main" : repo.substring(hash + 1);
      repo = hash < 0 ? repo : repo.substring(0, hash);
      if (eq <= 0 || repo.isBlank() || branch.isBlank()) {
        throw new UserException(
            "--watch " + GitUrls.stripCredentials(w) + ": expected PIPELINE=REPO[#BRANCH]");
      }
      out.add(
          GitWatcher.Settings.of(repo, branch, w.substring(0, eq)).withInterval(watchInterval));
    }
    return out;
  }

  private static GitTriggers startWatchers(
      List<GitWatcher.Settings> settings,
      KilnRuntime runtime,
      GitCredentials credentials,
      Consumer<String> log) {
    if (settings.isEmpty()) {
      return null;
    }
    List<GitWatcher> watchers = new ArrayList<>();
    try {
      for (GitWatcher.Settings s : settings) {
        watchers.add(WatchCommand.openWatcher(s, runtime, credentials, log));
      }
    } catch (RuntimeException e) {
      watchers.forEach(GitWatcher::close);
      throw e;
    }
    return GitTriggers.start(watchers, run -> {});
  }
}
