package dev.kiln.steps.detector;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A labelled box, corners normalised to [0, 1] as in the TF Object Detection API.
 *
 * @param label the class index from 0 (TFRecord labels count from 1)
 */
public record Box(float xmin, float ymin, float xmax, float ymax, int label) {
  public Box {
    checkArgument(xmax >= xmin && ymax >= ymin, "box corners out of order: %s,%s %s,%s", xmin,
        ymin, xmax, ymax);
    checkArgument(label >= 0, "label must be >= 0, got %s", label);
  }

  public float width() {
    return xmax - xmin;
  }

  public float height() {
    return ymax - ymin;
  }

  /** Intersection over union of two boxes given by corners. */
  static float iou(
      float ax0, float ay0, float ax1, float ay1, float bx0, float by0, float bx1, float by1) {
    float iw = Math.min(ax1, bx1) - Math.max(ax0, bx0);
    float ih = Math.min(ay1, by1) - Math.max(ay0, by0);
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    float inter = iw * ih;
    float union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
