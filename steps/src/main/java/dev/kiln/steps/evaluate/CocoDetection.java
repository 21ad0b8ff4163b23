package dev.kiln.steps.evaluate;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One detection result, as in the COCO results format {@code {"image_id", "category_id", "bbox":
 * [x, y, width, height], "score"}}. Its area is {@code width * height}, as pycocotools' {@code
 * loadRes} computes it.
 */
public record CocoDetection(
    long imageId, long categoryId, double x, double y, double width, double height, double score) {
  public CocoDetection {
    checkArgument(
        Double.isFinite(x)
            && Double.isFinite(y)
            && Double.isFinite(width)
            && Double.isFinite(height),
        "detection on image %s: bbox must be finite numbers",
        imageId);
    checkArgument(Double.isFinite(score), "detection on image %s: score must be finite", imageId);
  }

  /** The area pycocotools' loadRes gives a bbox result: {@code bbox[2] * bbox[3]}. */
  public double area() {
    return width * height;
  }
}
