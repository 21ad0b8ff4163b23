package dev.kiln.pipelines;

import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.types.ArtifactType;
import dev.kiln.pipelines.types.Files;
import java.util.Objects;

/**
 * A typed input of a step, declared once as a constant beside the step ({@code Train.CLASSES}).
 * The spec carries everything else about the input (optional, defaults, ...); its type is the
 * port's.
 */
public record InputPort<T extends Files>(InputSpec spec, Class<T> type) {
  public InputPort {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(type, "type");
    spec = spec.toBuilder().optType(ArtifactType.of(type)).build();
  }

  /** A required input with no default. */
  public static <T extends Files> InputPort<T> of(String name, Class<T> type) {
    return new InputPort<>(InputSpec.of(name), type);
  }

  /** An input that may be left empty. */
  public static <T extends Files> InputPort<T> optional(String name, Class<T> type) {
    return new InputPort<>(InputSpec.builder(name).optOptional(true).build(), type);
  }

  public String name() {
    return spec.name();
  }
}
