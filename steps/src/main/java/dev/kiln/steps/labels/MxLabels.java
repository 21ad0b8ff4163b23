package dev.kiln.steps.labels;

import dev.kiln.steps.recordio.DetectionLabel;
import dev.kiln.steps.recordio.InvalidImageRecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MXNet's label values ({@code .rec} headers and {@code .lst} columns) as Kiln labels: one value is
 * an image class, more are SageMaker's detection layout with coordinates normalised to [0, 1].
 * Class ids are 0-based; they are named by a {@code classes.txt} when one is given, else {@code
 * class_id:<n>}.
 */
final class MxLabels {
  static final String CLASSES_FILE = "classes.txt";

  private MxLabels() {}

  /** A class id's name: line {@code id} of the class list, else {@code class_id:<id>}. */
  static String className(int id, List<String> names) {
    return id < names.size() ? names.get(id) : "class_id:" + id;
  }

  /**
   * The class names of a {@code classes.txt} in one of the folders (the first found), or empty.
   */
  static List<String> classNames(List<Path> folders) throws IOException {
    for (Path f : folders) {
      Path file = f.resolve(CLASSES_FILE);
      if (Files.isRegularFile(file)) {
        return ClassList.read(file).names();
      }
    }
    return List.of();
  }

  /** The declared classes: the names given, else {@code class_id:0..max} for the ids seen. */
  static List<String> declared(List<String> names, int maxId) {
    if (!names.isEmpty()) {
      return names;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i <= maxId; i++) {
      out.add(className(i, names));
    }
    return out;
  }

  /** An image's labels, read from MXNet label values. */
  record Parsed(List<BoxAnnotation> boxes, String imageLabel, int maxClassId) {}

  /**
   * Turns label values into boxes in pixels or an image class.
   *
   * @param values the label values: one for a class, otherwise a detection label
   * @throws InvalidImageRecordException when the values are not a class id or a detection label
   */
  static Parsed parse(float[] values, int width, int height, List<String> names)
      throws InvalidImageRecordException {
    if (values.length == 1) {
      float c = values[0];
      if (!Float.isFinite(c) || c < 0 || c != Math.rint(c)) {
        throw new InvalidImageRecordException(
            "the label " + c + " is not a class id (a non-negative whole number)", false);
      }
      return new Parsed(List.of(), className((int) c, names), (int) c);
    }
    DetectionLabel label = DetectionLabel.parse(values);
    List<BoxAnnotation> boxes = new ArrayList<>(label.objects().size());
    int max = -1;
    for (DetectionLabel.Box b : label.objects()) {
      max = Math.max(max, b.classId());
      boxes.add(
          new BoxAnnotation(
              className(b.classId(), names),
              (double) b.xmin() * width,
              (double) b.ymin() * height,
              (double) b.xmax() * width,
              (double) b.ymax() * height));
    }
    return new Parsed(boxes, null, max);
  }

  /** The label values of an image, the inverse of {@link #parse}, for a 0-based class list. */
  static float[] values(LabeledImage image, ClassList classes) {
    if (image.imageLabel() != null) {
      return new float[] {classes.id(image.imageLabel()).orElseThrow() - 1};
    }
    List<DetectionLabel.Box> objects = new ArrayList<>(image.boxes().size());
    for (BoxAnnotation b : image.boxes()) {
      objects.add(
          new DetectionLabel.Box(
              classes.id(b.className()).orElseThrow() - 1,
              (float) (b.xmin() / image.width()),
              (float) (b.ymin() / image.height()),
              (float) (b.xmax() / image.width()),
              (float) (b.ymax() / image.height())));
    }
    return DetectionLabel.of(objects).toArray();
  }
}
