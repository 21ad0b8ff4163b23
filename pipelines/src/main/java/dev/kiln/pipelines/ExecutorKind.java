package dev.kiln.pipelines;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a step runs: a shell command in its own directory ({@code PROCESS}), a Java step as an
 * Apache Beam pipeline ({@code BEAM}), or a Java step in a DJL worker JVM that may take a GPU
 * ({@code DJL}).
 */
public enum ExecutorKind {
  PROCESS,
  BEAM,
  DJL;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ExecutorKind> fromConfigName(String name) {
    for (ExecutorKind k : values()) {
      if (k.configName().equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
