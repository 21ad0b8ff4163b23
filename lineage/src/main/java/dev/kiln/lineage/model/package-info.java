/**
 * The values the lineage store records and returns: plain records, ids and JSON strings, so that
 * the orchestrator, the CLI and the viewer share one vocabulary without any engine type (Beam, DJL,
 * JGit) leaking through. The run and execution state machines live here too ({@link
 * dev.kiln.lineage.model.RunStatus#after}, {@link dev.kiln.lineage.model.ExecutionStatus#after}),
 * because every client must agree on which changes are legal.
 */
package dev.kiln.lineage.model;
