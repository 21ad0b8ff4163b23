package dev.kiln.steps.labels;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CSV labels in the style of Google AI Platform / AutoML Vision: {@code [set,]path,label} for
 * classification and {@code [set,]path,label,xmin,ymin,xmax,ymax} for detection (one row per box;
 * rows of the same image merge). Box coordinates are NORMALIZED to [0, 1] as in AutoML, because a
 * CSV carries no image size; they are scaled with the size from the image header. AutoML's
 * eight-column vertex form {@code x1,y1,x2,y2,x3,y3,x4,y4} (empty pairs allowed) is accepted too.
 *
 * <p>The optional first column {@code TRAIN/VALIDATION/TEST/UNASSIGNED} is the split tag. A header
 * row is recognised when its path column reads {@code path}, {@code image}, {@code file} or {@code
 * filename}. {@code gs://bucket/key} paths are looked up locally as {@code key}, then by file name,
 * relative to the CSV's folder. A malformed row rejects only that row.
 */
public final class CsvReader implements LabelReader {
  private static final Set<String> SET_VALUES = Set.of("train", "validation", "test", "unassigned");
  private static final Set<String> HEADER_NAMES =
      Set.of("path", "image", "file", "filename", "image_path", "set", "split");

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    List<Path> files =
        Files.isDirectory(input)
            ? Sources.files(input, 2, p -> Sources.extension(p).equals("csv"))
            : List.of(input);
    Map<String, Entry> byPath = new LinkedHashMap<>();
    List<Rejection> rejections = new ArrayList<>();
    files = Sources.inScope(files, scope, root, rejections);
    for (Path f : files) {
      String display = Sources.relative(root, f);
      Path base = f.toAbsolutePath().getParent();
      try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        int lineNo = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          List<Field> fields = split(line);
          if (lineNo == 1 && isHeader(fields)) {
            continue;
          }
          try {
            Row row = parseRow(fields, display, lineNo);
            Path image = Sources.firstExisting(Sources.candidatesForUri(base, row.path()));
            Entry e =
                byPath.computeIfAbsent(
                    image.toAbsolutePath().normalize().toString(), k -> new Entry(image, row.path()));
            if (row.split() != null) {
              e.split = row.split();
            }
            if (row.box() == null) {
              e.label = row.label();
            } else {
              e.normalizedBoxes.add(row);
            }
          } catch (LabelFormatException ex) {
            rejections.add(
                new Rejection(
                    display + ":" + lineNo, RejectReason.MALFORMED_ANNOTATION, ex.getMessage()));
          }
        }
      }
    }
    List<LabeledImage> images = new ArrayList<>();
    for (Entry e : byPath.values()) {
      String sourceId = Sources.relative(root, e.image);
      if (!Sources.insideOrReject(e.image, e.ref, scope, sourceId, rejections)) {
        continue;
      }
      ImageInfo info = Sources.headerOrReject(e.image, sourceId, rejections);
      if (info == null) {
        continue;
      }
      List<BoxAnnotation> boxes = new ArrayList<>();
      for (Row row : e.normalizedBoxes) {
        double[] b = row.box();
        boxes.add(
            new BoxAnnotation(
                row.label(),
                b[0] * info.width(),
                b[1] * info.height(),
                b[2] * info.width(),
                b[3] * info.height()));
      }
      images.add(
          new LabeledImage(
              sourceId,
              e.image.toAbsolutePath().toString(),
              e.image.getFileName().toString(),
              info.width(),
              info.height(),
              boxes,
              e.label,
              e.split));
    }
    return new ReadResult(List.of(), images, rejections);
  }

  private static final class Entry {
    final Path image;
    final String ref;
    String label;
    String split;
    final List<Row> normalizedBoxes = new ArrayList<>();

    Entry(Path image, String ref) {
      this.image = image;
      this.ref = ref;
    }
  }

  /** One CSV row: path, label, optional normalized box {xmin, ymin, xmax, ymax}, optional split. */
  public record Row(String path, String label, double[] box, String split) {}

  /** A CSV field and the 1-based column where it starts. */
  record Field(String text, int column) {}

  private static boolean isHeader(List<Field> fields) {
    return !fields.isEmpty() && HEADER_NAMES.contains(fields.get(0).text().toLowerCase(Locale.ROOT))
        || fields.size() > 1
            && HEADER_NAMES.contains(fields.get(1).text().toLowerCase(Locale.ROOT))
            && SET_VALUES.stream().noneMatch(s -> s.equalsIgnoreCase(fields.get(0).text()));
  }

  /**
   * Parses one data row.
   *
   * @throws LabelFormatException at {@code file:line:col} of the bad field
   */
  static Row parseRow(List<Field> fields, String display, int lineNo) {
    int i = 0;
    String split = null;
    if (!fields.isEmpty() && SET_VALUES.contains(fields.get(0).text().toLowerCase(Locale.ROOT))) {
      String s = fields.get(0).text().toLowerCase(Locale.ROOT);
      split = s.equals("unassigned") ? null : s;
      i = 1;
    }
    int rest = fields.size() - i;
    // trailing empty fields (AutoML pads rows) do not count
    while (rest > 2 && fields.get(i + rest - 1).text().isEmpty() && rest != 6 && rest != 10) {
      rest--;
    }
    if (rest != 2 && rest != 6 && rest != 10) {
      throw new LabelFormatException(
          display,
          lineNo,
          1,
          "",
          "expected [set,]path,label[,xmin,ymin,xmax,ymax] (or AutoML's 8 vertex columns), got "
              + fields.size()
              + " columns");
    }
    Field path = fields.get(i);
    Field label = fields.get(i + 1);
    if (path.text().isBlank()) {
      throw new LabelFormatException(display, lineNo, path.column(), "path", "empty image path");
    }
    if (label.text().isBlank()) {
      throw new LabelFormatException(display, lineNo, label.column(), "label", "empty label");
    }
    if (rest == 2) {
      return new Row(path.text(), label.text().strip(), null, split);
    }
    double[] box;
    if (rest == 6) {
      String[] names = {"xmin", "ymin", "xmax", "ymax"};
      box = new double[4];
      for (int k = 0; k < 4; k++) {
        box[k] = coordinate(fields.get(i + 2 + k), names[k], display, lineNo);
      }
    } else {
      double x0 = Double.MAX_VALUE;
      double y0 = Double.MAX_VALUE;
      double x1 = -Double.MAX_VALUE;
      double y1 = -Double.MAX_VALUE;
      int pairs = 0;
      for (int k = 0; k < 4; k++) {
        Field fx = fields.get(i + 2 + 2 * k);
        Field fy = fields.get(i + 3 + 2 * k);
        if (fx.text().isBlank() && fy.text().isBlank()) {
          continue;
        }
        double x = coordinate(fx, "x" + (k + 1), display, lineNo);
        double y = coordinate(fy, "y" + (k + 1), display, lineNo);
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
        pairs++;
      }
      if (pairs < 2) {
        throw new LabelFormatException(
            display,
            lineNo,
            fields.get(i + 2).column(),
            "",
            "a box needs at least two vertices, got " + pairs);
      }
      box = new double[] {x0, y0, x1, y1};
    }
    return new Row(path.text(), label.text().strip(), box, split);
  }

  private static double coordinate(Field f, String name, String display, int lineNo) {
    try {
      double v = Double.parseDouble(f.text().strip());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LabelFormatException(
        display,
        lineNo,
        f.column(),
        name,
        "expected a normalized coordinate in [0, 1], got \"" + f.text() + "\"");
  }

  /** Splits one line on commas, honouring double quotes ({@code ""} inside quotes is a quote). */
  static List<Field> split(String line) {
    List<Field> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    int start = 1;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(new Field(cur.toString(), start));
        cur.setLength(0);
        start = i + 2;
      } else {
        cur.append(c);
      }
    }
    out.add(new Field(cur.toString(), start));
    return out;
  }
}
