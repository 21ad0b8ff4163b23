package dev.kiln.runner.git;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Several watchers polling in the background, for a long-running server ({@code kiln serve}): each
 * watches on its own thread, and a verified webhook push ({@link #onPush}) wakes the watchers of
 * that repository and branch. Closing stops them (a run in progress is recorded as stopped) and
 * closes their mirrors.
 */
public final class GitTriggers implements PushListener, AutoCloseable {
  private final List<GitWatcher> watchers;
  private final List<Thread> threads = new ArrayList<>();
  private final PushListener all;
  private final AtomicBoolean closed =
      new AtomicBoolean();

  private GitTriggers(List<GitWatcher> watchers, Consumer<TriggeredRun> onRun) {
    this.watchers = List.copyOf(watchers);
    this.all = PushListener.all(this.watchers);
    for (GitWatcher w : this.watchers) {
      Thread t =
          new Thread(
              () -> w.watch(onRun),
              "kiln-watch-" + w.settings().branch() + "-" + w.settings().pipeline());
      t.setDaemon(true);
      threads.add(t);
    }
  }

  /** Starts one thread per watcher; {@code onRun} hears of every run as it ends. */
  public static GitTriggers start(List<GitWatcher> watchers, Consumer<TriggeredRun> onRun) {
    GitTriggers t = new GitTriggers(watchers, onRun);
    t.threads.forEach(Thread::start);
    return t;
  }

  public List<GitWatcher> watchers() {
    return watchers;
  }

  @Override
  public boolean onPush(PushEvent push) {
    return all.onPush(push);
  }

  @Override
  public void close() {
    shutDown();
  }

  /**
   * Stops the watchers (a run in progress is recorded as stopped) and closes their mirrors; a
   * second call does nothing. For shutdown hooks, which must not wait for {@link #close}.
   */
  public void shutDown() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watchers.forEach(w -> w.stop("the server is shutting down"));
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    watchers.forEach(GitWatcher::close);
  }
}
