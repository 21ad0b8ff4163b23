package dev.kiln.steps.labels;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;

/**
 * One labelled box in PIXEL coordinates of the image (x to the right, y down, corners not sizes).
 * Every reader converts its own convention into this one; a box may still be empty or outside the
 * image here, which {@link Validation} reports.
 */
public record BoxAnnotation(String className, double xmin, double ymin, double xmax, double ymax)
    implements Serializable {
  public BoxAnnotation {
    checkArgument(className != null && !className.isBlank(), "class name must not be blank");
    checkArgument(
        Double.isFinite(xmin)
            && Double.isFinite(ymin)
            && Double.isFinite(xmax)
            && Double.isFinite(ymax),
        "box coordinates must be finite: %s %s %s %s",
        xmin,
        ymin,
        xmax,
        ymax);
  }

  /** From a top-left corner and a size, as COCO and SageMaker write boxes. */
  public static BoxAnnotation ofXywh(String className, double x, double y, double w, double h) {
    return new BoxAnnotation(className, x, y, x + w, y + h);
  }

  public double width() {
    return xmax - xmin;
  }

  public double height() {
    return ymax - ymin;
  }

  /** "[xmin, ymin, xmax, ymax]" for messages. */
  public String describe() {
    return "\"" + className + "\" [" + fmt(xmin) + ", " + fmt(ymin) + ", " + fmt(xmax) + ", "
        + fmt(ymax) + "]";
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
