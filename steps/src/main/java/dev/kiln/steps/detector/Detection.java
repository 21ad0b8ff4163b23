package dev.kiln.steps.detector;

/**
 * One detected object: corners normalised to [0, 1] in the {@code detect} step's order ({@code
 * ymin, xmin, ymax, xmax}), a class index from 0 and a score in [0, 1].
 */
public record Detection(int classId, float score, float ymin, float xmin, float ymax, float xmax) {
  float iou(Detection o) {
    return Box.iou(xmin, ymin, xmax, ymax, o.xmin, o.ymin, o.xmax, o.ymax);
  }
}
