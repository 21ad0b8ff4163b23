package dev.kiln.pipelines;

import java.util.Locale;
import java.util.Optional;

/** The four parameter types of valohai.yaml. */
public enum ParameterType {
  STRING,
  INTEGER,
  FLOAT,
  FLAG;

  /** The name used in valohai.yaml ({@code integer}, {@code flag}, ...). */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ParameterType> fromYamlName(String name) {
    for (ParameterType t : values()) {
      if (t.yamlName().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
