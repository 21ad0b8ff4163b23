package dev.kiln.runner.orchestrator;

import dev.kiln.lineage.model.ExecutionStatus;

/** An execution ended: a node's, or a trial of a task node's. What the scheduler acts on. */
record ExecutionEnd(String node, String executionId, ExecutionStatus status, String detail) {}
