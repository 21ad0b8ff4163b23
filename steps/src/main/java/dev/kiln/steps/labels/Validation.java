package dev.kiln.steps.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks one image's labels against its size and the class list. Box problems reject the box only
 * and keep the image (as TensorFlow's {@code create_coco_tf_record.py} skips bad annotations); an
 * unknown image-level class rejects the image. Pure: no I/O.
 */
public final class Validation {
  private Validation() {}

  /**
   * The outcome for one image.
   *
   * @param image the image with only valid (possibly clipped) boxes, or null if rejected
   * @param rejections what was rejected, image or boxes
   * @param clippedBoxes how many boxes were clipped to the image
   */
  public record Result(LabeledImage image, List<Rejection> rejections, int clippedBoxes) {
    public Result {
      rejections = List.copyOf(rejections);
    }

    public boolean accepted() {
      return image != null;
    }
  }

  /** Validates one image. */
  public static Result validate(LabeledImage image, ClassList classes, BoxPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    List<Rejection> rejections = new ArrayList<>();
    if (image.imageLabel() != null && classes.id(image.imageLabel()).isEmpty()) {
      rejections.add(
          new Rejection(
              image.sourceId(),
              RejectReason.UNKNOWN_CLASS,
              "image label \""
                  + image.imageLabel()
                  + "\" is not in the class list "
                  + classes.names()));
      return new Result(null, rejections, 0);
    }
    List<BoxAnnotation> kept = new ArrayList<>(image.boxes().size());
    int clipped = 0;
    int w = image.width();
    int h = image.height();
    for (int i = 0; i < image.boxes().size(); i++) {
      BoxAnnotation b = image.boxes().get(i);
      String source = image.sourceId() + "#box" + i;
      if (classes.id(b.className()).isEmpty()) {
        rejections.add(
            new Rejection(
                source,
                RejectReason.UNKNOWN_CLASS,
                "class \"" + b.className() + "\" is not in the class list " + classes.names()));
        continue;
      }
      if (b.width() <= 0 || b.height() <= 0) {
        rejections.add(
            new Rejection(
                source, RejectReason.ZERO_AREA_BOX, "box " + b.describe() + " has no area"));
        continue;
      }
      boolean outside = b.xmin() < 0 || b.ymin() < 0 || b.xmax() > w || b.ymax() > h;
      if (outside) {
        if (policy == BoxPolicy.REJECT) {
          rejections.add(
              new Rejection(
                  source,
                  RejectReason.BOX_OUTSIDE_IMAGE,
                  "box " + b.describe() + " reaches outside the " + w + "x" + h + " image"));
          continue;
        }
        BoxAnnotation c =
            new BoxAnnotation(
                b.className(),
                clamp(b.xmin(), w),
                clamp(b.ymin(), h),
                clamp(b.xmax(), w),
                clamp(b.ymax(), h));
        if (c.width() <= 0 || c.height() <= 0) {
          rejections.add(
              new Rejection(
                  source,
                  RejectReason.ZERO_AREA_BOX,
                  "box " + b.describe() + " lies outside the " + w + "x" + h + " image"));
          continue;
        }
        b = c;
        clipped++;
      }
      kept.add(b);
    }
    return new Result(image.withBoxes(kept), rejections, clipped);
  }

  private static double clamp(double v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
