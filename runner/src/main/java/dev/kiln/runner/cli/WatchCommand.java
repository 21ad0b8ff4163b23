package dev.kiln.runner.cli;

import dev.kiln.lineage.model.RunStatus;
import dev.kiln.runner.git.GitCredentials;
import dev.kiln.runner.git.GitException;
import dev.kiln.runner.git.GitWatcher;
import dev.kiln.runner.git.TriggeredRun;
import dev.kiln.runner.git.WebhookHandler;
import dev.kiln.runner.git.WebhookRoute;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln watch}: runs a pipeline for every new commit of a branch. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Poll a Git repository (JGit fetch into a mirror under KILN_HOME/git) and run the pipeline"
          + " of every new commit of a branch, from that commit's own checkout, in order.",
      "The pipeline comes from the commit's valohai.yaml, or from a built-in Java DSL pipeline"
          + " named in its kiln.yaml. Commits already run for the pipeline are not run again.",
      "Credentials: KILN_GIT_TOKEN (and KILN_GIT_USERNAME) or a git-credential-store file named"
          + " by KILN_GIT_CREDENTIALS for HTTPS; for SSH (ssh://, git@host:path) the keys and"
          + " known_hosts of ~/.ssh, or KILN_GIT_SSH_KEY and KILN_GIT_SSH_KNOWN_HOSTS. Never"
          + " recorded.",
      "Each run id is printed on standard output when the run ends; progress goes to standard"
          + " error. With --once: exit code 0 when every run succeeded and the fetch worked."
    })
final class WatchCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ConsoleOptions consoleOptions = new ConsoleOptions();

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--repo",
      required = true,
      paramLabel = "URL_OR_PATH",
      description = "the repository")
  String repo;

  @Option(
      names = "--branch",
      defaultValue = "main",
      paramLabel = "BRANCH",
      description = "default: main")
  String branch;

  @Option(
      names = "--pipeline",
      required = true,
      paramLabel = "NAME",
      description = "the pipeline to run")
  String pipeline;

  @Option(
      names = "--interval",
      defaultValue = "30s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "time between polls: 500ms, 30s, 5m, 1h (default: 30s)")
  Duration interval;

  @Option(names = "--latest-only", description = "of several new commits, run only the newest")
  boolean latestOnly;

  @Option(names = "--force", description = "run the branch tip even if it was run before")
  boolean force;

  @Option(
      names = "--keep-checkouts",
      paramLabel = "N",
      description =
          "commit checkouts to keep in KILN_HOME/worktrees, newest first; those of runs that did"
              + " not succeed are always kept (default ${DEFAULT-VALUE})")
  int keepCheckouts = GitWatcher.Settings.DEFAULT_KEEP_CHECKOUTS;

  @Option(names = "--once", description = "poll once, run what is new, and exit")
  boolean once;

  @Option(
      names = "--webhook-port",
      paramLabel = "PORT",
      description =
          "also accept push webhooks on POST /api/hooks/git at this port (0: any free port);"
              + " secrets from KILN_WEBHOOK_SECRET, KILN_GITHUB_WEBHOOK_SECRET,"
              + " KILN_GITLAB_WEBHOOK_TOKEN")
  Integer webhookPort;

  @Option(names = "--cpus", paramLabel = "N", description = "executions that may run at once")
  Integer cpus;

  @CommandLine.Mixin BeamOptions beam = BeamOptions.none();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> log =
        line -> {
          synchronized (err) {
            err.println("kiln: " + line);
            err.flush();
          }
        };
    GitCredentials credentials;
    try {
      credentials = GitCredentials.fromEnvironment(System.getenv());
    } catch (GitException e) {
      throw new UserException(e.getMessage());
    }
    GitWatcher.Settings settings;
    try {
      settings =
          GitWatcher.Settings.of(repo, branch, pipeline)
              .withInterval(interval)
              .withLatestOnly(latestOnly)
              .withForce(force)
              .withKeepCheckouts(keepCheckouts);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    try (KilnRuntime runtime = KilnRuntime.open(consoleOptions.console(err), cpus, beam);
        GitWatcher watcher = openWatcher(settings, runtime, credentials, log)) {
      if (once) {
        List<TriggeredRun> runs = watcher.poll();
        runs.forEach(r -> printRun(out, r));
        boolean ok =
            watcher.healthy() && runs.stream().allMatch(r -> r.status() == RunStatus.SUCCEEDED);
        return ok ? 0 : 1;
      }
      Javalin server = webhookPort == null ? null : startWebhook(watcher, log);
      try {
        return watchUntilStopped(watcher, out);
      } finally {
        if (server != null) {
          server.stop();
        }
      }
    }
  }

  /** A watcher on the runtime's store and executors; also for {@code kiln serve}. */
  static GitWatcher openWatcher(
      GitWatcher.Settings settings,
      KilnRuntime runtime,
      GitCredentials credentials,
      Consumer<String> log) {
    try {
      return new GitWatcher(
          settings,
          runtime.store.config().kilnHome(),
          credentials,
          runtime.store,
          runtime::orchestrator,
          log);
    } catch (GitException e) {
      throw new UserException(e.getMessage());
    }
  }

  private Javalin startWebhook(GitWatcher watcher, Consumer<String> log) {
    WebhookHandler handler = WebhookHandler.fromEnvironment(System.getenv(), watcher, log);
    if (!handler.enabled()) {
      throw new UserException(
          "--webhook-port needs a secret: set "
              + WebhookHandler.ENV_SECRET
              + " (or "
              + WebhookHandler.ENV_GITHUB_SECRET
              + " / "
              + WebhookHandler.ENV_GITLAB_TOKEN
              + ")");
    }
    Javalin app = Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              // GitHub sends push payloads of up to 25 MB.
              config.http.maxRequestSize = WebhookRoute.MAX_BODY_BYTES;
            });
    WebhookRoute.register(app, handler);
    try {
      app.start(webhookPort);
    } catch (RuntimeException e) {
      throw new UserException("cannot listen on port " + webhookPort + ": " + e.getMessage(), e);
    }
    log.accept("webhook: listening on http://localhost:" + app.port() + WebhookRoute.PATH);
    return app;
  }

  private static int watchUntilStopped(GitWatcher watcher, PrintWriter out) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              watcher.stop("interrupted (Ctrl-C or a signal)");
              try {
                finished.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "kiln-watch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      watcher.watch(r -> printRun(out, r));
      return 0;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for the latch released above
      }
    }
  }

  private static void printRun(PrintWriter out, TriggeredRun r) {
    synchronized (out) {
      out.println(r.runId());
      out.flush();
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a number of seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException(
            "\"" + value + "\": expected a duration like 500ms, 30s, 5m or 1h");
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      Duration d =
          switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
          };
      if (d.isZero()) {
        throw new CommandLine.TypeConversionException("\"" + value + "\": must be more than 0");
      }
      return d;
    }
  }
}
