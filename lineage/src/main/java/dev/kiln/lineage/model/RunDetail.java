package dev.kiln.lineage.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A run with all its executions, in creation order; the shape of {@code kiln show RUN --json}. */
public record RunDetail(RunRecord run, List<ExecutionDetail> executions) {
  public RunDetail {
    Objects.requireNonNull(run, "run");
    executions = List.copyOf(executions);
  }

  /** The execution of node {@code nodeName}, if the run has one. */
  public Optional<ExecutionDetail> node(String nodeName) {
    return executions.stream().filter(e -> e.execution().nodeName().equals(nodeName)).findFirst();
  }

  public String toJson() {
    return JsonSupport.toJson(this);
  }
}
