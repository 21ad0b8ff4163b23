package dev.kiln.lineage.model;

/**
 * A directed edge in the direction data flowed: artifact → execution for an INPUT (label: the input
 * name), execution → artifact for an OUTPUT (label: the path under outputs/).
 */
public record LineageEdge(String from, String to, Kind kind, String label) {
  /** What the edge means. */
  public enum Kind {
    INPUT,
    OUTPUT
  }
}
