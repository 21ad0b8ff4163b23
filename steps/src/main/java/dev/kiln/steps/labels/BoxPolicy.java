package dev.kiln.steps.labels;

/** What to do with a box that reaches outside its image. */
public enum BoxPolicy {
  /**
   * Clip it to the image (annotation tools often overshoot by a pixel); a box left with no area is
   * rejected as {@link RejectReason#ZERO_AREA_BOX}.
   */
  CLIP,
  /** Reject it as {@link RejectReason#BOX_OUTSIDE_IMAGE}. */
  REJECT
}
