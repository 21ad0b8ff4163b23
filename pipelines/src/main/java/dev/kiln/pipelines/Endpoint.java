package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;

/**
 * A serving endpoint (valohai.yaml's top-level {@code endpoint}). Kiln parses and keeps endpoints
 * so that files written back lose nothing, but does not serve them.
 */
public record Endpoint(String name, Map<String, Object> definition) {
  public Endpoint {
    checkArgument(name != null && !name.isEmpty(), "an endpoint needs a name");
    definition = Extensions.copyOf(definition);
  }
}
