package dev.kiln.runner.git;

import java.util.List;

/** What a verified push is handed to: the watchers of the server. */
@FunctionalInterface
public interface PushListener {
  /** Returns true when some watch took the push (it will poll its repository now). */
  boolean onPush(PushEvent push);

  /** Hands a push to every listener; true when any took it. */
  static PushListener all(List<? extends PushListener> listeners) {
    List<PushListener> copy = List.copyOf(listeners);
    return push -> {
      boolean taken = false;
      for (PushListener l : copy) {
        taken |= l.onPush(push);
      }
      return taken;
    };
  }
}
