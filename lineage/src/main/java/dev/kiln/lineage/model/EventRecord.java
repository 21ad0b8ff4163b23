package dev.kiln.lineage.model;

import java.time.Instant;

/**
 * One line of the append-only audit log of state changes. {@code executionId} and {@code nodeName}
 * are null for run-level events; {@code fromStatus} is null for creation; {@code event} is the name
 * of a {@link RunEvent} or {@link ExecutionEvent}, or CREATE.
 */
public record EventRecord(
    long id,
    String runId,
    String executionId,
    String nodeName,
    String event,
    String fromStatus,
    String toStatus,
    Instant time,
    String detail) {}
