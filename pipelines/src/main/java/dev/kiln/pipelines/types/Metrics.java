package dev.kiln.pipelines.types;

/** A JSON file of evaluation metrics. */
public abstract class Metrics extends Files {
  private Metrics() {}
}
