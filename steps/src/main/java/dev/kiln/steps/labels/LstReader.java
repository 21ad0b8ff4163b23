package dev.kiln.steps.labels;

import dev.kiln.steps.recordio.InvalidImageRecordException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * MXNet image lists ({@code .lst}), the input of {@code im2rec} and one of SageMaker's object
 * detection inputs: tab-separated {@code index \t label... \t path} lines, one label value for a
 * class, more for SageMaker's detection layout {@code [2, 5, class_id, xmin, ymin, xmax, ymax,
 * ...]} in normalised coordinates. Paths are looked up under the dataset root (where the {@code
 * images} input is), then beside the list. A list named like a split ({@code train.lst}) tags its
 * images with it; a malformed line rejects that line.
 */
public final class LstReader implements LabelReader {
  /** The extension of image lists. */
  public static final String EXTENSION = "lst";

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    List<Path> files =
        Files.isDirectory(input)
            ? Sources.files(input, 3, p -> Sources.extension(p).equals(EXTENSION))
            : List.of(input);
    if (files.isEmpty()) {
      throw new LabelFormatException(
          input.toString(),
          0,
          0,
          "",
          "no .lst file found; expected MXNet image lists (index<TAB>labels...<TAB>path per"
              + " line)");
    }
    List<Rejection> rejections = new ArrayList<>();
    files = Sources.inScope(files, scope, root, rejections);
    List<String> names = MxLabels.classNames(List.of(root));
    List<LabeledImage> images = new ArrayList<>();
    int maxId = -1;
    for (Path f : files) {
      String display = Sources.relative(root, f);
      String stemTag = Sources.splitName(Sources.stem(f.getFileName().toString()));
      String tag = stemTag != null ? stemTag : Sources.splitTagFromPath(root, f);
      try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        int lineNo = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          String where = display + ":" + lineNo;
          String[] cols = line.strip().split("\t");
          if (cols.length < 3) {
            rejections.add(
                new Rejection(
                    where,
                    RejectReason.MALFORMED_ANNOTATION,
                    where
                        + ": expected \"index<TAB>label...<TAB>path\" (at least 3 tab-separated"
                        + " columns), got "
                        + cols.length));
            continue;
          }
          float[] values = new float[cols.length - 2];
          String bad = null;
          try {
            Double.parseDouble(cols[0].strip());
          } catch (NumberFormatException e) {
            bad = "the index \"" + cols[0] + "\" is not a number";
          }
          for (int i = 0; bad == null && i < values.length; i++) {
            try {
              values[i] = Float.parseFloat(cols[i + 1].strip());
            } catch (NumberFormatException e) {
              bad = "column " + (i + 2) + " \"" + cols[i + 1] + "\" is not a number";
            }
          }
          if (bad != null) {
            rejections.add(
                new Rejection(where, RejectReason.MALFORMED_ANNOTATION, where + ": " + bad));
            continue;
          }
          String ref = cols[cols.length - 1].strip();
          Path image = Sources.firstExisting(candidates(root, f.toAbsolutePath().getParent(), ref));
          if (!Sources.insideOrReject(image, ref, scope, where, rejections)) {
            continue;
          }
          String sourceId = Sources.relative(root, image);
          ImageInfo info = Sources.headerOrReject(image, sourceId, rejections);
          if (info == null) {
            continue;
          }
          MxLabels.Parsed parsed;
          try {
            parsed = MxLabels.parse(values, info.width(), info.height(), names);
          } catch (InvalidImageRecordException e) {
            rejections.add(
                new Rejection(
                    where,
                    e.labelWidth()
                        ? RejectReason.LABEL_WIDTH_MISMATCH
                        : RejectReason.MALFORMED_ANNOTATION,
                    where + ": " + e.getMessage()));
            continue;
          }
          maxId = Math.max(maxId, parsed.maxClassId());
          images.add(
              new LabeledImage(
                  sourceId,
                  image.toAbsolutePath().toString(),
                  image.getFileName().toString(),
                  info.width(),
                  info.height(),
                  parsed.boxes(),
                  parsed.imageLabel(),
                  tag));
        }
      }
    }
    return new ReadResult(MxLabels.declared(names, maxId), images, rejections);
  }

  /** {@code im2rec} paths are relative to its image root: the dataset root, then the list. */
  private static List<Path> candidates(Path root, Path listDir, String ref) {
    LinkedHashSet<Path> out = new LinkedHashSet<>();
    if (!ref.isEmpty()) {
      try {
        out.add(root.resolve(ref).normalize());
        out.add(root.resolve("images").resolve(ref).normalize());
      } catch (java.nio.file.InvalidPathException ignored) {
        // tried by its file name below
      }
    }
    out.addAll(Sources.candidatesForUri(listDir, ref));
    return List.copyOf(out);
  }
}
