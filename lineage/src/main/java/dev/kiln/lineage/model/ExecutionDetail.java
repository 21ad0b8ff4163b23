package dev.kiln.lineage.model;

import java.util.List;
import java.util.Objects;

/**
 * Everything about one execution that {@code kiln show} and the viewer's node panel need. Metadata
 * can run to 100,000 rows per run, so {@code metadata} holds every entry only when asked for;
 * {@code metadataCount} and {@code latestMetadata} (null when there is none) are always there.
 * {@code reusedFromExecutionId} is null unless the execution was REUSED.
 */
public record ExecutionDetail(
    ExecutionRecord execution,
    List<ParameterValue> parameters,
    List<InputFile> inputs,
    List<OutputFile> outputs,
    String reusedFromExecutionId,
    long metadataCount,
    MetadataEntry latestMetadata,
    List<MetadataEntry> metadata) {
  public ExecutionDetail {
    Objects.requireNonNull(execution, "execution");
    parameters = List.copyOf(parameters);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    metadata = List.copyOf(metadata);
  }
}
