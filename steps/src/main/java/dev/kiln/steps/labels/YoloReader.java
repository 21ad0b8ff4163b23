package dev.kiln.steps.labels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * YOLO (Darknet / Ultralytics) text labels: per image a {@code .txt} with lines {@code class cx cy
 * w h}, normalized to [0, 1], and a {@code classes.txt} (or {@code obj.names}) listing class names
 * in id order. Labels sit next to the image or in a parallel {@code labels/} folder beside {@code
 * images/}. An image without a label file has no objects (YOLO's convention). A line with more than
 * five numbers is a segmentation polygon; its bounding box is used. Sizes come from image headers.
 */
public final class YoloReader implements LabelReader {
  static final List<String> CLASS_FILES = List.of("classes.txt", "obj.names");

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = input;
    Path classFile = findClassFile(root);
    String classFileOutside = scope.outside(classFile);
    if (classFileOutside != null) {
      throw new LabelFormatException(
          Sources.relative(root, classFile),
          0,
          0,
          "",
          "the class list " + classFileOutside + "; it was not read");
    }
    List<String> classes = readClassNames(classFile, Sources.relative(root, classFile));
    List<LabeledImage> images = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    Set<Path> usedLabels = new HashSet<>();
    for (Path image : Sources.files(root, 5, Sources::isImage)) {
      String sourceId = Sources.relative(root, image);
      Path labels = labelFileFor(image);
      if (labels != null) {
        usedLabels.add(labels.toAbsolutePath().normalize());
      }
      if (!Sources.insideOrReject(image, sourceId, scope, sourceId, rejections)) {
        continue;
      }
      if (labels != null
          && !Sources.insideOrReject(
              labels, Sources.relative(root, labels), scope, sourceId, rejections)) {
        continue;
      }
      ImageInfo info = Sources.headerOrReject(image, sourceId, rejections);
      if (info == null) {
        continue;
      }
      try {
        List<BoxAnnotation> boxes =
            labels == null
                ? List.of()
                : parseLabels(
                    Files.readAllLines(labels, StandardCharsets.UTF_8),
                    Sources.relative(root, labels),
                    classes,
                    info.width(),
                    info.height());
        images.add(
            LabeledImage.detection(
                sourceId,
                image,
                info.width(),
                info.height(),
                boxes,
                Sources.splitTagFromPath(root, image)));
      } catch (LabelFormatException e) {
        rejections.add(new Rejection(sourceId, RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
      }
    }
    // A label file without an image is reported, not ignored.
    for (Path txt : Sources.files(root, 5, p -> Sources.extension(p).equals("txt"))) {
      String name = txt.getFileName().toString();
      if (CLASS_FILES.contains(name)
          || usedLabels.contains(txt.toAbsolutePath().normalize())
          || isSplitList(txt, root)) {
        continue;
      }
      rejections.add(
          new Rejection(
              Sources.relative(root, txt),
              RejectReason.IMAGE_MISSING,
              "label file has no image with the same name"));
    }
    return new ReadResult(classes, images, rejections);
  }

  private static boolean isSplitList(Path txt, Path root) {
    // Ultralytics "train.txt" lists of image paths at the dataset root are not label files.
    return txt.toAbsolutePath().getParent().equals(root.toAbsolutePath())
        && Sources.splitName(Sources.stem(txt.getFileName().toString())) != null;
  }

  static Path findClassFile(Path root) throws IOException {
    for (String n : CLASS_FILES) {
      if (Files.isRegularFile(root.resolve(n))) {
        return root.resolve(n);
      }
    }
    List<Path> found =
        Sources.files(root, 3, p -> CLASS_FILES.contains(p.getFileName().toString()));
    if (found.isEmpty()) {
      throw new LabelFormatException(
          root.toString(),
          0,
          0,
          "",
          "YOLO dataset without classes.txt or obj.names (one class name per line, in class-id"
              + " order)");
    }
    return found.get(0);
  }

  /** Class names of a {@code classes.txt}: one per line; blank lines at the end are ignored. */
  static List<String> readClassNames(Path file, String display) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int last = lines.size();
    while (last > 0 && lines.get(last - 1).isBlank()) {
      last--;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < last; i++) {
      String n = lines.get(i).strip();
      if (n.isEmpty()) {
        throw new LabelFormatException(
            display, i + 1, 1, "", "blank class name (class id " + i + ")");
      }
      if (names.contains(n)) {
        throw new LabelFormatException(
            display,
            i + 1,
            1,
            "",
            "duplicate class name \"" + n + "\" (also class id " + names.indexOf(n) + ")");
      }
      names.add(n);
    }
    return names;
  }

  /**
   * The label file of an image: same stem next to it, or under a parallel {@code labels} folder.
   */
  static Path labelFileFor(Path image) {
    String stem = Sources.stem(image.getFileName().toString());
    Path beside = image.resolveSibling(stem + ".txt");
    if (Files.isRegularFile(beside)) {
      return beside;
    }
    Path abs = image.toAbsolutePath();
    for (int i = abs.getNameCount() - 2; i >= 1; i--) {
      if (abs.getName(i).toString().equals("images")) {
        Path rel =
            abs.subpath(0, i).resolve("labels").resolve(abs.subpath(i + 1, abs.getNameCount()));
        Path candidate = abs.getRoot().resolve(rel).resolveSibling(stem + ".txt");
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /**
   * Parses the lines of one label file into pixel boxes.
   *
   * @throws LabelFormatException at {@code file:line:col} of the bad token
   */
  public static List<BoxAnnotation> parseLabels(
      List<String> lines, String display, List<String> classes, int width, int height) {
    List<BoxAnnotation> boxes = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = hash >= 0 ? line.substring(0, hash) : line;
      if (content.isBlank()) {
        continue;
      }
      List<int[]> spans = tokens(content);
      int n = spans.size();
      if (n < 5 || (n > 5 && (n - 1) % 2 != 0)) {
        throw new LabelFormatException(
            display,
            i + 1,
            spans.get(0)[0] + 1,
            "",
            "expected \"class x_center y_center width height\" (or a polygon \"class x1 y1 x2 y2"
                + " ...\"), got "
                + n
                + " values");
      }
      String clsTok = content.substring(spans.get(0)[0], spans.get(0)[1]);
      int cls;
      try {
        cls = Integer.parseInt(clsTok);
      } catch (NumberFormatException e) {
        throw new LabelFormatException(
            display,
            i + 1,
            spans.get(0)[0] + 1,
            "class",
            "expected a class index, got \"" + clsTok + "\"");
      }
      double[] v = new double[n - 1];
      String[] names = {"x_center", "y_center", "width", "height"};
      for (int k = 1; k < n; k++) {
        String tok = content.substring(spans.get(k)[0], spans.get(k)[1]);
        try {
          v[k - 1] = Double.parseDouble(tok);
        } catch (NumberFormatException e) {
          v[k - 1] = Double.NaN;
        }
        if (!Double.isFinite(v[k - 1])) {
          String field = n == 5 ? names[k - 1] : (k % 2 == 1 ? "x" : "y") + ((k + 1) / 2);
          throw new LabelFormatException(
              display, i + 1, spans.get(k)[0] + 1, field, "expected a number, got \"" + tok + "\"");
        }
      }
      String name = cls >= 0 && cls < classes.size() ? classes.get(cls) : "class_index:" + cls;
      if (n == 5) {
        double cx = v[0] * width;
        double cy = v[1] * height;
        double w = v[2] * width;
        double h = v[3] * height;
        boxes.add(new BoxAnnotation(name, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
      } else {
        double x0 = Double.MAX_VALUE;
        double y0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        double y1 = -Double.MAX_VALUE;
        for (int k = 0; k < v.length; k += 2) {
          x0 = Math.min(x0, v[k]);
          x1 = Math.max(x1, v[k]);
          y0 = Math.min(y0, v[k + 1]);
          y1 = Math.max(y1, v[k + 1]);
        }
        boxes.add(new BoxAnnotation(name, x0 * width, y0 * height, x1 * width, y1 * height));
      }
    }
    return boxes;
  }

  private static List<int[]> tokens(String s) {
    List<int[]> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(new int[] {start, i});
      }
    }
    return out;
  }
}
