package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.pipelines.types.ArtifactType;
import java.util.Objects;

/**
 * A declared output of a step: a name, the path or glob under {@code outputs/} that holds it (the
 * key an edge's source names, such as {@code model/*}), and its type. valohai.yaml steps usually
 * declare none; then any output path may be wired and is untyped.
 */
public record OutputSpec(String name, String path, ArtifactType type) {
  public OutputSpec {
    checkArgument(name != null && !name.isEmpty(), "an output needs a name");
    checkArgument(path != null && !path.isEmpty(), "output %s needs a path or glob", name);
    Objects.requireNonNull(type, "type");
  }
}
