package dev.kiln.steps.labels;

import dev.kiln.steps.tfrecord.ExampleCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

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
    String broken = decodeProblem(bytes, info.format());
    if (broken != null) {
      return reject(image, RejectReason.IMAGE_UNREADABLE, image.filename() + ": " + broken);
    }
    return new Encoded(
        image, ExampleCodec.encode(TfExamples.encode(image, bytes, info.format(), classes)));
  }

  /**
   * Decodes the whole image, so that a file whose header is intact but whose data is cut short or
   * corrupt is rejected here rather than failing training. JPEG is decoded to a raster (no colour
   * conversion, so CMYK and other colour spaces that TensorFlow decodes are not refused).
   *
   * @return what is wrong, or null when the image decodes
   */
  static String decodeProblem(byte[] bytes, ImageFormat format) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return "no decoder for " + format.tfName();
      }
      ImageReader r = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        r.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        r.setInput(in, true, true);
        if (r.canReadRaster()) {
          r.readRaster(0, null);
        } else {
          r.read(0);
        }
      } finally {
        r.dispose();
      }
      for (String w : warnings) {
        if (w.toLowerCase(Locale.ROOT).contains("premature end")) {
          return "the image data ends early (a truncated file): " + w;
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return "the image data cannot be decoded (a truncated or corrupt file): "
          + (e.getMessage() == null ? cause.toString() : e.getMessage());
    }
  }

  private static Rejected reject(LabeledImage image, RejectReason reason, String detail) {
    return new Rejected(new Rejection(image.sourceId(), reason, detail));
  }
}
