package dev.kiln.pipelines.types;

/** A folder of images (JPEG or PNG). */
public abstract class ImageSet extends Files {
  private ImageSet() {}
}
