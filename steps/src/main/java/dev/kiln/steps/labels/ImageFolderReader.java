package dev.kiln.steps.labels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Classification datasets laid out as one folder per class: {@code {label}/x.png}, or with split
 * folders first, {@code train/{label}/x.png}, {@code test/{label}/y.png}. Images get an image-level
 * label and no boxes; sizes come from image headers. An image outside any class folder is rejected.
 */
public final class ImageFolderReader implements LabelReader {

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    List<LabeledImage> images = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    List<Path> top = subfolders(input);
    boolean splitLayout =
        !top.isEmpty()
            && top.stream().allMatch(d -> Sources.splitName(d.getFileName().toString()) != null);
    for (Path image : Sources.files(input, 3, Sources::isImage)) {
      Path rel = input.toAbsolutePath().normalize().relativize(image.toAbsolutePath().normalize());
      String sourceId = Sources.relative(input, image);
      if (!Sources.insideOrReject(image, sourceId, scope, sourceId, rejections)) {
        continue;
      }
      int depth = rel.getNameCount();
      String label;
      String split = null;
      if (splitLayout && depth == 3) {
        split = Sources.splitName(rel.getName(0).toString());
        label = rel.getName(1).toString();
      } else if (!splitLayout && depth == 2) {
        label = rel.getName(0).toString();
      } else {
        rejections.add(
            new Rejection(
                sourceId,
                RejectReason.MALFORMED_ANNOTATION,
                "image is not inside a class folder (expected "
                    + (splitLayout ? "<split>/<class>/<image>" : "<class>/<image>")
                    + ")"));
        continue;
      }
      ImageInfo info = Sources.headerOrReject(image, sourceId, rejections);
      if (info != null) {
        images.add(
            LabeledImage.classification(
                sourceId, image, info.width(), info.height(), label, split));
      }
    }
    return new ReadResult(List.of(), images, rejections);
  }

  private static List<Path> subfolders(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }
}
