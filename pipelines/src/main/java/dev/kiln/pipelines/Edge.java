package dev.kiln.pipelines;

import java.util.Map;
import java.util.Objects;

/**
 * Data flowing from one node to another: an output's files into an input, an input passed on, a
 * parameter or metadata value into a parameter, or a file into a deployment.
 *
 * @param configuration valohai.yaml's edge {@code configuration}, kept verbatim
 */
public record Edge(EdgeEnd source, EdgeEnd target, Map<String, Object> configuration) {
  public Edge {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    configuration = Extensions.copyOf(configuration);
  }

  public static Edge of(EdgeEnd source, EdgeEnd target) {
    return new Edge(source, target, Map.of());
  }

  @Override
  public String toString() {
    return source + " -> " + target;
  }
}
