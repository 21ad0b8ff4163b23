package dev.kiln.runner.orchestrator;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.openlineage.OpenLineageExporter;

/** Sends an OpenLineage event for every run and execution, from what the store recorded. */
final class OpenLineageListener implements RunListener {
  private final LineageStore store;
  private final OpenLineageExporter exporter;

  OpenLineageListener(LineageStore store, OpenLineageExporter exporter) {
    this.store = store;
    this.exporter = exporter;
  }

  @Override
  public void runStarted(String runId) {
    exporter.runStarted(store.run(runId));
  }

  @Override
  public void executionStarted(String runId, String executionId) {
    exporter.executionStarted(store.run(runId), store.executionDetail(executionId));
  }

  @Override
  public void executionFinished(String runId, String executionId) {
    exporter.executionFinished(store.run(runId), store.executionDetail(executionId));
  }

  @Override
  public void runFinished(String runId) {
    exporter.runFinished(store.run(runId));
  }
}
