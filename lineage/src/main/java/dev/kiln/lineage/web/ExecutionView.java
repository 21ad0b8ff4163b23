package dev.kiln.lineage.web;

import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.RunRecord;
import java.util.Map;
import java.util.Objects;

/**
 * What the node panel shows: the execution, the run it belongs to (for the commit and pipeline)
 * and, for every execution that produced one of its inputs, where that producer lives, so each
 * input can link to the node that made it even when it ran in another run.
 */
public record ExecutionView(
    ExecutionDetail detail, RunRecord run, Map<String, Producer> producers) {
  public ExecutionView {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(run, "run");
    producers = Map.copyOf(producers);
  }

  /** The execution that wrote an input. */
  public record Producer(String executionId, String runId, String nodeName, String stepName) {}
}
