package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parameter of the whole pipeline, set once when a run starts and passed to every node parameter
 * in {@code targets} ({@code node.parameter.name}).
 */
public record PipelineParameter(
    String name,
    List<EdgeEnd> targets,
    Optional<ParamValue> defaultValue,
    Optional<String> description,
    Map<String, Object> extensions) {

  public PipelineParameter {
    checkArgument(name != null && !name.isEmpty(), "a pipeline parameter needs a name");
    targets = List.copyOf(targets);
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
    extensions = Extensions.copyOf(extensions);
  }
}
