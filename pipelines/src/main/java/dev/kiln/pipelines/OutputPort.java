package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.pipelines.OutputSpec;
import dev.kiln.pipelines.types.ArtifactType;
import dev.kiln.pipelines.types.Files;
import java.util.Objects;

/**
 * A typed output of a step, declared once as a constant beside the step ({@code
 * Train.MODEL}). {@code path} is where the files lie under {@code outputs/}, a name or a glob; it
 * is the key an edge names.
 */
public record OutputPort<T extends Files>(String name, String path, Class<T> type) {
  public OutputPort {
    checkArgument(name != null && !name.isEmpty(), "an output port needs a name");
    checkArgument(path != null && !path.isEmpty(), "output port %s needs a path", name);
    Objects.requireNonNull(type, "type");
  }

  public static <T extends Files> OutputPort<T> of(String name, String path, Class<T> type) {
    return new OutputPort<>(name, path, type);
  }

  public ArtifactType artifactType() {
    return ArtifactType.of(type);
  }

  public OutputSpec spec() {
    return new OutputSpec(name, path, artifactType());
  }
}
