package dev.kiln.steps.labels;

import dev.kiln.steps.tfrecord.ExampleCodec;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Turns one validated image into serialized {@code tf.Example} bytes: reads the image file, checks
 * its header against the annotated size, encodes. Reads only the image it is given, so it can run
 * in any worker.
 */
public final class RecordConverter {
  private RecordConverter() {}

  /** The outcome for one image: a record or a rejection. */
  public sealed interface Outcome extends Serializable permits Encoded, Rejected {}

  /**
   * A serialized example.
   *
   * @param image the validated image it came from (for stats and shard keys)
   */
  public record Encoded(LabeledImage image, byte[] example) implements Outcome {
    public Encoded {
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(example, "example");
    }
  }

  /** Why the image could not be converted. */
  public record Rejected(Rejection rejection) implements Outcome {
    public Rejected {
      Objects.requireNonNull(rejection, "rejection");
    }
  }

  /**
   * Converts a validated image (see {@link Validation#validate}).
   *
   * @param classes the class list its boxes were validated against
   */
  public static Outcome convert(LabeledImage image, ClassList classes) {
    Path path = image.imagePath();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return reject(image, RejectReason.IMAGE_MISSING, "image file not found: " + path);
    } catch (IOException e) {
      return reject(
          image, RejectReason.IMAGE_UNREADABLE, "cannot read " + path + ": " + e.getMessage());
    }
    ImageInfo info;
    try {
      info = ImageHeaders.read(bytes, image.filename());
    } catch (IOException e) {
      return reject(image, RejectReason.IMAGE_UNREADABLE, e.getMessage());
    }
    if (!info.format().supportedByObjectDetection()) {
      return reject(
          image,
          RejectReason.UNSUPPORTED_IMAGE_FORMAT,
          image.filename()
              + " is "
              + info.format().tfName()
              + "; only jpeg and png are decoded by the TensorFlow Object Detection API");
    }
    if (info.width() != image.width() || info.height() != image.height()) {
      return reject(
          image,
          RejectReason.SIZE_MISMATCH,
          "annotation says "
              + image.width()
              + "x"
              + image.height()
              + " but the image is "
              + info.width()
              + "x"
              + info.height());
    }
    return new Encoded(
        image, ExampleCodec.encode(TfExamples.encode(image, bytes, info.format(), classes)));
  }

  private static Rejected reject(LabeledImage image, RejectReason reason, String detail) {
    return new Rejected(new Rejection(image.sourceId(), reason, detail));
  }
}
