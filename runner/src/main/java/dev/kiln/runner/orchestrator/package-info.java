/**
 * The orchestrator: runs a planned pipeline node by node as inputs become ready, in parallel up to
 * the machine's CPU and GPU slots, and writes every state change to the lineage store before acting
 * on it, so a run killed at any point can be resumed without running anything twice.
 */
package dev.kiln.runner.orchestrator;
