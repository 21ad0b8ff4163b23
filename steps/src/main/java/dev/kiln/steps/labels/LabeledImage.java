package dev.kiln.steps.labels;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One image and its labels, whatever format they came from: the normalized record every reader
 * produces. Fields are plain strings and numbers so that the record is {@link Serializable} for a
 * Beam pipeline ({@link Path} is not).
 *
 * @param sourceId stable, unique id: the image path relative to the dataset root, with {@code /}
 * @param image absolute path of the image file (it may not exist; conversion reports that)
 * @param filename the image's file name, written as {@code image/filename}
 * @param width width in pixels, from the annotation or the image header
 * @param height height in pixels
 * @param boxes detection boxes (empty for classification or for an image with no objects)
 * @param imageLabel the image-level class for classification datasets, or {@code null}
 * @param splitTag the split named by the source (folder {@code train/}, a CSV column...), or {@code
 *     null}; see {@link #split()}
 */
public record LabeledImage(
    String sourceId,
    String image,
    String filename,
    int width,
    int height,
    List<BoxAnnotation> boxes,
    String imageLabel,
    String splitTag)
    implements Serializable {
  public LabeledImage {
    checkArgument(sourceId != null && !sourceId.isBlank(), "sourceId must not be blank");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(filename, "filename");
    checkArgument(
        width > 0 && height > 0, "%s: size must be positive, got %sx%s", sourceId, width, height);
    boxes = List.copyOf(boxes);
    checkArgument(imageLabel == null || !imageLabel.isBlank(), "%s: blank image label", sourceId);
    checkArgument(splitTag == null || !splitTag.isBlank(), "%s: blank split tag", sourceId);
  }

  /** A detection image without image-level label. */
  public static LabeledImage detection(
      String sourceId,
      Path image,
      int width,
      int height,
      List<BoxAnnotation> boxes,
      String splitTag) {
    return new LabeledImage(
        sourceId,
        image.toAbsolutePath().toString(),
        image.getFileName().toString(),
        width,
        height,
        boxes,
        null,
        splitTag);
  }

  /** A classification image. */
  public static LabeledImage classification(
      String sourceId, Path image, int width, int height, String label, String splitTag) {
    return new LabeledImage(
        sourceId,
        image.toAbsolutePath().toString(),
        image.getFileName().toString(),
        width,
        height,
        List.of(),
        label,
        splitTag);
  }

  public Path imagePath() {
    return Path.of(image);
  }

  /** The image-level class, for classification. */
  public Optional<String> label() {
    return Optional.ofNullable(imageLabel);
  }

  /** The split the source assigned, if any. */
  public Optional<String> split() {
    return Optional.ofNullable(splitTag);
  }

  /** A copy with other boxes. */
  public LabeledImage withBoxes(List<BoxAnnotation> newBoxes) {
    return new LabeledImage(
        sourceId, image, filename, width, height, newBoxes, imageLabel, splitTag);
  }
}
