package dev.kiln.lineage.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A node of a lineage graph: an execution or an artifact. {@link #id()} is unique in the graph and
 * is what edges refer to.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = LineageNode.ExecutionNode.class, name = "execution"),
  @JsonSubTypes.Type(value = LineageNode.ArtifactNode.class, name = "artifact")
})
public sealed interface LineageNode permits LineageNode.ExecutionNode, LineageNode.ArtifactNode {
  String id();

  /** An execution; its id is {@code execution:<execution id>}. */
  record ExecutionNode(
      String id,
      String executionId,
      String runId,
      String pipeline,
      String nodeName,
      String stepName,
      ExecutionStatus status)
      implements LineageNode {
    public static String idOf(String executionId) {
      return "execution:" + executionId;
    }
  }

  /**
   * An artifact; its id is its datum id, or {@code uri:<uri>} for an input whose content was never
   * hashed. {@code name} is a file name or output path it was seen under; {@code sha256} and {@code
   * size} may be null for such un-hashed inputs.
   */
  record ArtifactNode(String id, String datumId, String sha256, Long size, String name)
      implements LineageNode {}
}
