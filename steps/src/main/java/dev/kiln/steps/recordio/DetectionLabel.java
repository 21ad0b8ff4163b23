package dev.kiln.steps.recordio;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * The label array of a detection record as SageMaker's object detector and MXNet's {@code
 * ImageDetIter} read it: {@code [A, B, extra header..., object 0, object 1, ...]} where {@code A}
 * is the header width (2 plus extra values, often the image's width and height), {@code B} the
 * width of one object (at least 5; 6 with a "difficult" flag) and each object starts {@code
 * [class_id, xmin, ymin, xmax, ymax]} in coordinates normalised to [0, 1].
 *
 * @param headerWidth {@code A}
 * @param objectWidth {@code B}
 * @param objects the objects, in label order
 */
public record DetectionLabel(int headerWidth, int objectWidth, List<Box> objects) {
  /** The header and object widths Kiln writes, as SageMaker's examples do. */
  public static final int HEADER_WIDTH = 2;

  public static final int OBJECT_WIDTH = 5;

  /**
   * One object.
   *
   * @param classId the 0-based class index
   * @param xmin left edge as a fraction of the image width
   * @param ymin top edge as a fraction of the image height
   * @param xmax right edge
   * @param ymax bottom edge
   */
  public record Box(int classId, float xmin, float ymin, float xmax, float ymax) {
    public Box {
      checkArgument(classId >= 0, "class id must not be negative, got %s", classId);
    }
  }

  public DetectionLabel {
    checkArgument(headerWidth >= 2, "header width must be at least 2, got %s", headerWidth);
    checkArgument(objectWidth >= 5, "object width must be at least 5, got %s", objectWidth);
    objects = List.copyOf(objects);
  }

  /** Kiln's layout: {@code A = 2}, {@code B = 5}. */
  public static DetectionLabel of(List<Box> objects) {
    return new DetectionLabel(HEADER_WIDTH, OBJECT_WIDTH, objects);
  }

  /**
   * Parses a label array. Objects are taken as they are; an empty box is the caller's to reject.
   *
   * @throws InvalidImageRecordException when the widths are missing, not whole numbers, or the
   *     array's length does not fit them
   */
  public static DetectionLabel parse(float[] label) throws InvalidImageRecordException {
    if (label.length < 2) {
      throw width(
          "a detection label starts [header_width, object_width], got "
              + label.length
              + " value"
              + (label.length == 1 ? "" : "s"));
    }
    int a = whole(label[0], "header_width");
    int b = whole(label[1], "object_width");
    if (a < 2 || a > label.length) {
      throw width(
          "header_width is "
              + a
              + "; expected at least 2 and at most the label's "
              + label.length
              + " values");
    }
    if (b < 5) {
      throw width(
          "object_width is " + b + "; expected at least 5 ([class_id, xmin, ymin, xmax, ymax])");
    }
    int rest = label.length - a;
    if (rest % b != 0) {
      throw width(
          "label width mismatch: "
              + label.length
              + " values = header of "
              + a
              + " + "
              + rest
              + ", which is not a whole number of "
              + b
              + "-value objects");
    }
    List<Box> boxes = new ArrayList<>(rest / b);
    for (int i = a; i < label.length; i += b) {
      float c = label[i];
      if (c < 0 || c != Math.rint(c) || !Float.isFinite(c)) {
        throw new InvalidImageRecordException(
            "object " + (i - a) / b + ": class_id " + c + " is not a non-negative whole number",
            false);
      }
      boxes.add(new Box((int) c, label[i + 1], label[i + 2], label[i + 3], label[i + 4]));
    }
    return new DetectionLabel(a, b, boxes);
  }

  /** The label array: header, then each object padded with zeros to the object width. */
  public float[] toArray() {
    float[] out = new float[headerWidth + objectWidth * objects.size()];
    out[0] = headerWidth;
    out[1] = objectWidth;
    for (int i = 0; i < objects.size(); i++) {
      Box o = objects.get(i);
      int at = headerWidth + i * objectWidth;
      out[at] = o.classId();
      out[at + 1] = o.xmin();
      out[at + 2] = o.ymin();
      out[at + 3] = o.xmax();
      out[at + 4] = o.ymax();
    }
    return out;
  }

  private static int whole(float v, String what) throws InvalidImageRecordException {
    if (!Float.isFinite(v) || v != Math.rint(v) || Math.abs(v) > 1_000_000) {
      throw width(what + " is " + v + "; expected a whole number");
    }
    return (int) v;
  }

  private static InvalidImageRecordException width(String message) {
    return new InvalidImageRecordException(message, true);
  }
}
