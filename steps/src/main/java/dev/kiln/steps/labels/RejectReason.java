package dev.kiln.steps.labels;

import java.util.Locale;

/**
 * Why an image or a box did not become part of a record. The code goes into {@code rejected.jsonl}.
 */
public enum RejectReason {
  /** The annotation file (or line) could not be parsed; the detail is the located message. */
  MALFORMED_ANNOTATION,
  /** An annotation points at an image id that the file does not define. */
  ORPHAN_ANNOTATION,
  /**
   * The referenced image lies outside the input folders (an absolute path, {@code ../}, or a link
   * pointing out); it is not opened.
   */
  OUTSIDE_INPUT,
  /** The image file does not exist. */
  IMAGE_MISSING,
  /** The image file cannot be read or its header is not a known image format. */
  IMAGE_UNREADABLE,
  /**
   * A readable image in a format the TensorFlow Object Detection API does not decode (GIF, BMP).
   */
  UNSUPPORTED_IMAGE_FORMAT,
  /** The annotation's width/height differ from the image header's. */
  SIZE_MISMATCH,
  /** A box with a class not in the class list. */
  UNKNOWN_CLASS,
  /** A box with zero or negative width or height (after clipping, under the clip policy). */
  ZERO_AREA_BOX,
  /** A box that reaches outside the image, under the reject policy. */
  BOX_OUTSIDE_IMAGE,
  /** The same image (source id) is listed twice; the first entry is kept. */
  DUPLICATE_IMAGE,
  /** No split could be assigned (no tag, not in any file list). */
  NO_SPLIT,
  /**
   * A file the dataset names is not there (a Superb AI export without {@code project.json}, a
   * label file named in a meta file but absent).
   */
  MISSING_FILE,
  /** An object that is not a box (a polygon, keypoints, a polyline) and is not read as one. */
  UNSUPPORTED_SHAPE,
  /**
   * A RecordIO record whose framing is damaged: a bad magic, a record cut short, an {@code .idx}
   * offset past the end of the {@code .rec}.
   */
  CORRUPT_RECORD,
  /** Label values that do not fit their declared widths (MXNet's header and object widths). */
  LABEL_WIDTH_MISMATCH;

  /** The code as written to files, e.g. {@code zero-area-box}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
