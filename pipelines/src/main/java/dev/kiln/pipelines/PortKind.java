package dev.kiln.pipelines;

import java.util.Locale;
import java.util.Optional;

/**
 * What an edge end refers to on its node: an output file, an input, a parameter, a metadata key
 * (a value a step printed as JSON), a file of a deployment, or a value a deployment node
 * produces ({@code deploy.deployment.id}, {@code deploy.deployment.version_id}).
 */
public enum PortKind {
  OUTPUT,
  INPUT,
  PARAMETER,
  METADATA,
  FILE,
  DEPLOYMENT;

  /** The word used in {@code node.kind.key} edge ends. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean canBeSource() {
    return this != FILE;
  }

  public boolean canBeTarget() {
    return this == INPUT || this == PARAMETER || this == FILE;
  }

  public static Optional<PortKind> fromYamlName(String word) {
    for (PortKind k : values()) {
      if (k.yamlName().equals(word)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
