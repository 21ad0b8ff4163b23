package dev.kiln.lineage.model;

/** Which way a lineage query walks from an artifact. */
public enum Direction {
  /** Towards what made it: its producing executions, their inputs, their producers... */
  UP,
  /** Towards what used it: executions that read it, what they wrote, who read that... */
  DOWN
}
