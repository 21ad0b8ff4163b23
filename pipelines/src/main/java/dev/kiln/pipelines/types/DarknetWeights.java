package dev.kiln.pipelines.types;

/** A Darknet .weights file. */
public abstract class DarknetWeights extends Files {
  private DarknetWeights() {}
}
