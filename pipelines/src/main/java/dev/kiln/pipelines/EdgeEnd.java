package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * One end of an edge: {@code node.kind.key}. The key may itself hold dots ({@code classes.txt})
 * and, for outputs, be a glob relative to {@code outputs/} ({@code model/*}).
 */
public record EdgeEnd(String node, PortKind kind, String key) {
  public EdgeEnd {
    checkArgument(node != null && !node.isEmpty(), "an edge end needs a node");
    Objects.requireNonNull(kind, "kind");
    checkArgument(key != null && !key.isEmpty(), "an edge end needs a key");
  }

  /** The {@code node.kind.key} form used in valohai.yaml. */
  @Override
  public String toString() {
    return node + "." + kind.yamlName() + "." + key;
  }
}
