package dev.kiln.steps.evaluate;

import static com.google.common.base.Preconditions.checkElementIndex;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Detection results read from a COCO results file (a JSON array of {@code {"image_id",
 * "category_id", "bbox", "score"}}), remembering where each came from so that a later problem (a
 * detection on an image the ground truth lacks) can still name its line.
 *
 * <p>Other fields ({@code id}, {@code area}, {@code iscrowd}, {@code segmentation}) are ignored:
 * pycocotools' {@code loadRes} overwrites them too.
 */
public final class CocoDetections {
  private final Path source;
  private final List<CocoDetection> detections;
  private final int[] lines;
  private final int[] columns;

  private CocoDetections(Path source, List<CocoDetection> detections, int[] lines, int[] columns) {
    this.source = source;
    this.detections = List.copyOf(detections);
    this.lines = lines;
    this.columns = columns;
  }

  /**
   * Reads a results file.
   *
   * @throws EvaluationInputException with {@code file:line:col: [index].field: problem} when the
   *     file cannot be read or is not a list of bbox results
   */
  public static CocoDetections read(Path file) {
    requireNonNull(file, "file");
    try (JsonInput in = JsonInput.open(file)) {
      return readFrom(in);
    }
  }

  private static CocoDetections readFrom(JsonInput in) {
    JsonToken t = in.next();
    if (t != JsonToken.START_ARRAY) {
      throw in.error(
          in.location(),
          "$",
          "expected a JSON array of results [{\"image_id\", \"category_id\", \"bbox\", \"score\"},"
              + " ...], got "
              + in.describe()
              + " (pycocotools' loadRes accepts only a list; if this is a COCO dataset file, pass"
              + " its \"annotations\" list with scores)");
    }
    List<CocoDetection> out = new ArrayList<>();
    int[] lines = new int[1024];
    int[] columns = new int[1024];
    double[] box = new double[4];
    int i = 0;
    for (t = in.next(); t != JsonToken.END_ARRAY; t = in.next(), i++) {
      JsonLocation start = in.location();
      int at = i;
      if (t != JsonToken.START_OBJECT) {
        throw in.error(start, "[" + i + "]", "expected a result object, got " + in.describe());
      }
      long imageId = 0;
      long categoryId = 0;
      double score = 0;
      boolean hasImage = false;
      boolean hasCategory = false;
      boolean hasBox = false;
      boolean hasScore = false;
      while (in.next() == JsonToken.FIELD_NAME) {
        String field = in.fieldName();
        in.next();
        switch (field) {
          case "image_id" -> {
            imageId = in.integer(() -> "[" + at + "].image_id");
            hasImage = true;
          }
          case "category_id" -> {
            categoryId = in.integer(() -> "[" + at + "].category_id");
            hasCategory = true;
          }
          case "bbox" -> {
            in.bbox(() -> "[" + at + "].bbox", box);
            hasBox = true;
          }
          case "score" -> {
            score = in.number(() -> "[" + at + "].score");
            hasScore = true;
          }
          default -> in.skip();
        }
      }
      String missing =
          !hasImage
              ? "image_id"
              : !hasCategory ? "category_id" : !hasBox ? "bbox" : !hasScore ? "score" : null;
      if (missing != null) {
        throw in.error(
            start,
            "[" + i + "]",
            "missing \"" + missing + "\" (a bbox result needs image_id, category_id, bbox, score)");
      }
      if (i == lines.length) {
        lines = Arrays.copyOf(lines, i * 2);
        columns = Arrays.copyOf(columns, i * 2);
      }
      lines[i] = start.getLineNr();
      columns[i] = start.getColumnNr();
      out.add(new CocoDetection(imageId, categoryId, box[0], box[1], box[2], box[3], score));
    }
    in.expectEnd();
    return new CocoDetections(in.file(), out, Arrays.copyOf(lines, i), Arrays.copyOf(columns, i));
  }

  /** The file the detections came from. */
  public Path source() {
    return source;
  }

  /** The detections, in file order (the order decides ties between equal scores). */
  public List<CocoDetection> list() {
    return detections;
  }

  /** {@code file:line:col} of detection {@code index}, for messages. */
  public String locationOf(int index) {
    checkElementIndex(index, detections.size());
    return source + ":" + lines[index] + ":" + columns[index];
  }
}
