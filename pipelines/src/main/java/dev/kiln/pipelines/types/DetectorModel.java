package dev.kiln.pipelines.types;

/** A trained or converted detector: weights, the Darknet cfg and the class names. */
public abstract class DetectorModel extends Files {
  private DetectorModel() {}
}
