package dev.kiln.pipelines.types;

/** Per-image detection JSON files, as detect writes them. */
public abstract class Detections extends Files {
  private Detections() {}
}
