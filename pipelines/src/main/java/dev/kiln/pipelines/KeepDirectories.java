package dev.kiln.pipelines;

import java.util.Locale;
import java.util.Optional;

/**
 * How an input's files keep their folder structure in {@code inputs/<name>/}: flattened ({@code
 * NONE}), the full path ({@code FULL}), or the part after the URL's wildcard ({@code SUFFIX}).
 */
public enum KeepDirectories {
  NONE,
  FULL,
  SUFFIX;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<KeepDirectories> fromYamlName(String name) {
    for (KeepDirectories k : values()) {
      if (k.yamlName().equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
