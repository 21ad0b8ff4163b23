package dev.kiln.runner.orchestrator;

import dev.kiln.lineage.model.RunStatus;

/** How a run ended, with its id for {@code kiln show}. */
public record RunResult(String runId, RunStatus status, String summary) {
  public boolean succeeded() {
    return status == RunStatus.SUCCEEDED;
  }
}
