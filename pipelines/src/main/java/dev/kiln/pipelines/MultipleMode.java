package dev.kiln.pipelines;

import java.util.Locale;
import java.util.Optional;

/**
 * How a parameter with several values reaches the command: not at all allowed ({@code NONE}), one
 * argument per value ({@code REPEAT}), or one argument with the values joined ({@code SEPARATE}).
 */
public enum MultipleMode {
  NONE,
  REPEAT,
  SEPARATE;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<MultipleMode> fromYamlName(String name) {
    for (MultipleMode m : values()) {
      if (m.yamlName().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
