package dev.kiln.pipelines;

import java.util.Locale;
import java.util.Optional;

/**
 * What a pipeline does when a node fails: stop every node ({@code STOP_ALL}, the default), stop
 * only what depends on it ({@code STOP_NEXT}), carry on ({@code CONTINUE}), or run it again
 * ({@code RETRY}).
 */
public enum OnError {
  STOP_ALL,
  STOP_NEXT,
  CONTINUE,
  RETRY;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<OnError> fromYamlName(String word) {
    for (OnError o : values()) {
      if (o.yamlName().equals(word)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
