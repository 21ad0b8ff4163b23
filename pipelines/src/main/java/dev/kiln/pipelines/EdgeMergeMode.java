package dev.kiln.pipelines;

import java.util.Locale;
import java.util.Optional;

/** Whether files from edges replace an input's defaults ({@code REPLACE}) or join them. */
public enum EdgeMergeMode {
  REPLACE,
  APPEND;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EdgeMergeMode> fromYamlName(String word) {
    for (EdgeMergeMode m : values()) {
      if (m.yamlName().equals(word)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
