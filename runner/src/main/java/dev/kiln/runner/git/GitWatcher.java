package dev.kiln.runner.git;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.RunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches one branch of one repository for one pipeline: each poll fetches the mirror and runs, in
 * order, the commits of the branch that have no run of the pipeline yet. Which commits were run is
 * read from the lineage store, so a restarted watcher neither repeats nor skips work.
 *
 * <p>Nothing a repository can do stops the watcher: an unreachable remote, a deleted branch, a
 * force-push or a commit whose pipeline does not load are logged (the last one as a failed run) and
 * polling goes on. A webhook ({@link #onPush}) only makes the next poll happen now: the push
 * payload is never trusted for which commits to run.
 */
public final class GitWatcher implements PushListener, AutoCloseable {

  /**
   * What to watch.
   *
   * @param repo a URL or a local path; credentials written into it are used, never recorded
   * @param interval time between polls
   * @param latestOnly of several new commits, run only the newest
   * @param force run the tip even when it was run before (once per watcher); commits are then
   *     remembered for this watcher only, not looked up in the store
   */
  public record Settings(
      String repo,
      String branch,
      String pipeline,
      Duration interval,
      boolean latestOnly,
      boolean force,
      int keepCheckouts) {
    /** Commit checkouts kept by default (besides those of runs that did not succeed). */
    public static final int DEFAULT_KEEP_CHECKOUTS = 20;

    public Settings {
      requireText(repo, "repository");
      requireText(branch, "branch");
      requireText(pipeline, "pipeline");
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the poll interval must be positive, was " + interval);
      }
      if (keepCheckouts < 1) {
        throw new IllegalArgumentException(
            "keep at least 1 commit checkout, not " + keepCheckouts);
      }
    }

    public static Settings of(String repo, String branch, String pipeline) {
      return new Settings(
          repo, branch, pipeline, Duration.ofSeconds(30), false, false, DEFAULT_KEEP_CHECKOUTS);
    }

    public Settings withInterval(Duration d) {
      return new Settings(repo, branch, pipeline, d, latestOnly, force, keepCheckouts);
    }

    public Settings withLatestOnly(boolean b) {
      return new Settings(repo, branch, pipeline, interval, b, force, keepCheckouts);
    }

    public Settings withForce(boolean b) {
      return new Settings(repo, branch, pipeline, interval, latestOnly, b, keepCheckouts);
    }

    public Settings withKeepCheckouts(int n) {
      return new Settings(repo, branch, pipeline, interval, latestOnly, force, n);
    }

    private static void requireText(String s, String what) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
    }
  }

  private final Settings settings;
  private final Path kilnHome;
  private final RepositoryMirror mirror;
  private final LineageStore store;
  private final CommitRunner runner;
  private final Consumer<String> log;
  private final Set<String> ranHere = new HashSet<>();
  private final Semaphore wakeUp = new Semaphore(0);
  private volatile boolean stopped;
  private boolean firstPoll = true;
  private boolean branchMissingAtStart;
  private boolean branchSeen;
  private String lastTip;
  private String lastProblem;

  /**
   * Opens (or creates) the mirror under {@code kilnHome}. Runs are made by {@code orchestrators},
   * one orchestrator per commit, whose working folder is that commit's checkout.
   */
  public GitWatcher(
      Settings settings,
      Path kilnHome,
      GitCredentials credentials,
      LineageStore store,
      OrchestratorFactory orchestrators,
      Consumer<String> log) {
    this.settings = Objects.requireNonNull(settings);
    this.kilnHome = Objects.requireNonNull(kilnHome);
    Objects.requireNonNull(credentials);
    this.store = Objects.requireNonNull(store);
    this.log = Objects.requireNonNull(log);
    this.mirror = RepositoryMirror.open(settings.repo(), kilnHome, credentials);
    this.runner = new CommitRunner(store, orchestrators, log);
  }

  /** The repository URL as runs record it (no credentials). */
  public String repoUrl() {
    return mirror.url();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Fetches once and runs what is new, oldest first; returns the runs made. Git and network
   * problems are logged, not thrown: the next poll tries again.
   */
  public List<TriggeredRun> poll() {
    return poll(r -> {});
  }

  /** As {@link #poll()}, handing each run to {@code onRun} as soon as it ends. */
  public synchronized List<TriggeredRun> poll(Consumer<TriggeredRun> onRun) {
    boolean first = firstPoll;
    firstPoll = false;
    Optional<String> fetched;
    try {
      fetched = mirror.fetch(settings.branch());
    } catch (GitException e) {
      problem(mirror.redact(e.getMessage()) + " (will try again)");
      return List.of();
    }
    if (fetched.isEmpty()) {
      if (first) {
        branchMissingAtStart = true;
      }
      problem(
          "branch "
              + settings.branch()
              + " does not exist in "
              + repoUrl()
              + (branchSeen ? " any more (deleted)" : "")
              + "; still watching");
      lastTip = null;
      return List.of();
    }
    lastProblem = null;
    branchSeen = true;
    String tip = fetched.get();
    RepositoryMirror.NewCommits found;
    try {
      if (lastTip != null && !lastTip.equals(tip) && !mirror.isAncestor(lastTip, tip)) {
        log.accept(
            "branch "
                + settings.branch()
                + " was force-pushed: "
                + CommitRunner.shortSha(lastTip)
                + " is not an ancestor of the new tip "
                + CommitRunner.shortSha(tip));
      }
      lastTip = tip;
      found = mirror.newCommits(tip, this::alreadyRun);
    } catch (GitException e) {
      problem(mirror.redact(e.getMessage()) + " (will try again)");
      return List.of();
    }
    List<String> todo = found.commits();
    if (!found.reachedRun() && todo.size() > 1 && !branchMissingAtStart) {
      // A new watch of an existing branch: its history is not replayed, the tip is run.
      log.accept(
          "no run of pipeline "
              + settings.pipeline()
              + " for the history of "
              + settings.branch()
              + "; starting from its tip "
              + CommitRunner.shortSha(tip)
              + " ("
              + (todo.size() - 1)
              + " older commit(s) not run)");
      todo = List.of(tip);
    }
    if (settings.latestOnly() && todo.size() > 1) {
      log.accept(
          (todo.size() - 1)
              + " older new commit(s) skipped (--latest-only); running "
              + CommitRunner.shortSha(tip));
      todo = List.of(tip);
    }
    List<TriggeredRun> runs = new ArrayList<>();
    for (String sha : todo) {
      if (stopped) {
        break;
      }
      TriggeredRun run;
      try {
        run = runCommit(sha);
      } catch (GitException e) {
        // The checkout could not be written (disk full, permissions): the commit stays not run
        // and is tried again at the next poll.
        problem(mirror.redact(e.getMessage()) + " (will try again)");
        break;
      }
      runs.add(run);
      onRun.accept(run);
    }
    if (!runs.isEmpty()) {
      pruneCheckouts();
    }
    return runs;
  }

  /**
   * Keeps {@code KILN_HOME/worktrees} from growing with every commit: the newest {@link
   * Settings#keepCheckouts()} checkouts stay, and so does any checkout of a commit with a run
   * that did not succeed ({@code kiln resume} continues in it).
   */
  private void pruneCheckouts() {
    try {
      RepositoryMirror.Pruned pruned =
          RepositoryMirror.pruneCheckouts(
              kilnHome, settings.keepCheckouts(), store::commitHasUnsucceededRun);
      if (!pruned.deleted().isEmpty()) {
        log.accept(
            "deleted "
                + pruned.deleted().size()
                + " old commit checkout(s) (keeping the newest "
                + settings.keepCheckouts()
                + " and those of runs that did not succeed)");
      }
      pruned.problems().forEach(log);
    } catch (IOException | RuntimeException e) {
      log.accept("cannot clean up old commit checkouts: " + e.getMessage() + " (will try again)");
    }
  }

  private TriggeredRun runCommit(String sha) {
    var commit = mirror.commitInfo(sha, settings.branch());
    log.accept(
        "commit "
            + CommitRunner.shortSha(sha)
            + " on "
            + settings.branch()
            + " ("
            + firstLine(commit.message())
            + "): running pipeline "
            + settings.pipeline());
    Path checkout = mirror.checkout(sha);
    ranHere.add(sha);
    TriggeredRun run = runner.run(checkout, commit, settings.pipeline());
    log.accept(
        "run " + run.runId() + " of commit " + CommitRunner.shortSha(sha) + ": " + run.status());
    return run;
  }

  private boolean alreadyRun(String sha) {
    if (ranHere.contains(sha)) {
      return true;
    }
    if (settings.force()) {
      return false;
    }
    // A run stopped by a person (Ctrl-C) did not finish its work: it runs again.
    return store.runsOfCommit(settings.pipeline(), repoUrl(), sha).stream()
        .anyMatch(r -> r.status() != RunStatus.STOPPED);
  }

  private synchronized void problem(String message) {
    // The same problem on every poll is logged once, until something changes.
    if (!message.equals(lastProblem)) {
      log.accept(message);
      lastProblem = message;
    }
  }

  /**
   * False while the last poll could not fetch or found no branch: what {@code kiln watch --once}
   * turns into its exit code.
   */
  public synchronized boolean healthy() {
    return lastProblem == null;
  }

  /** The first wait after a failed poll; it doubles with each further failure, up to the interval. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  /**
   * Polls until {@link #stop}: after each poll, waits the interval or until a push arrives. Each
   * run is handed to {@code onRun} when it ends. After a poll that could not fetch (or found no
   * branch) the next one comes sooner: 5 s, then twice as long each time, never longer than the
   * interval, so a network blip does not cost a whole interval of a long one.
   */
  public void watch(Consumer<TriggeredRun> onRun) {
    log.accept(
        "watching "
            + repoUrl()
            + " branch "
            + settings.branch()
            + " for pipeline "
            + settings.pipeline()
            + " every "
            + human(settings.interval()));
    long retryMillis = 0;
    while (!stopped) {
      try {
        poll(onRun);
      } catch (RuntimeException e) {
        // The store or an executor failed; the watch goes on, the commit is tried again later.
        problem("poll failed (will try again): " + mirror.redact(String.valueOf(e.getMessage())));
      }
      long waitMillis = settings.interval().toMillis();
      if (healthy()) {
        retryMillis = 0;
      } else {
        retryMillis = retryMillis == 0 ? FIRST_RETRY.toMillis() : retryMillis * 2;
        waitMillis = Math.min(waitMillis, retryMillis);
      }
      try {
        if (wakeUp.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
          wakeUp.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Ends {@link #watch}; a run in progress is stopped (recorded as stopped). */
  public void stop(String reason) {
    stopped = true;
    runner.stop(reason);
    wakeUp.release();
  }

  /** A verified push for this repository and branch makes the next poll happen now. */
  @Override
  public boolean onPush(PushEvent push) {
    if (!settings.branch().equals(push.branch())) {
      return false;
    }
    String mine = GitUrls.matchKey(repoUrl());
    if (push.repoUrls().stream().noneMatch(u -> GitUrls.matchKey(u).equals(mine))) {
      return false;
    }
    wakeUp.release();
    return true;
  }

  @Override
  public void close() {
    mirror.close();
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").strip();
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
