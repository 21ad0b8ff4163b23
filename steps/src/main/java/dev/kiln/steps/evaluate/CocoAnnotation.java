package dev.kiln.steps.evaluate;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A ground-truth box, {@code bbox = [x, y, width, height]} in pixels.
 *
 * <p>{@code area} is the annotation's own {@code area} field (usually the segmentation area), not
 * {@code width * height}: pycocotools uses it to put the object in the small/medium/large range.
 * {@code crowd} is {@code iscrowd}: a crowd region is never counted as a miss, and detections that
 * fall in it are ignored.
 */
public record CocoAnnotation(
    long id,
    long imageId,
    long categoryId,
    double x,
    double y,
    double width,
    double height,
    double area,
    boolean crowd) {
  public CocoAnnotation {
    checkArgument(
        Double.isFinite(x)
            && Double.isFinite(y)
            && Double.isFinite(width)
            && Double.isFinite(height),
        "annotation %s: bbox must be finite numbers",
        id);
    checkArgument(Double.isFinite(area), "annotation %s: area must be a finite number", id);
  }
}
