package dev.kiln.steps.labels;

import dev.kiln.steps.recordio.ImageRecord;
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
    return convert(image, classes, OutputFormat.TFRECORD);
  }

  /**
   * Converts a validated image into a record of the given format: a {@code tf.Example}, or an
   * MXNet image record (its id 0 until the writer sets it with {@link
   * dev.kiln.steps.recordio.ImageRecord#setId}).
   *
   * @param classes the class list its boxes were validated against
   */
  public static Outcome convert(LabeledImage image, ClassList classes, OutputFormat format) {
    Path path = image.imagePath();
    byte[] bytes;
    try {
      bytes =
          EmbeddedImage.isReference(image.image())
              ? EmbeddedImage.read(image.image())
              : Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return reject(
          image,
          RejectReason.IMAGE_MISSING,
          "image file not found: " + e.getFile());
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
    String broken = completenessProblem(bytes, info.format());
    if (broken != null) {
      return reject(image, RejectReason.IMAGE_UNREADABLE, image.filename() + ": " + broken);
    }
    if (format == OutputFormat.RECORDIO) {
      float[] values = MxLabels.values(image, classes);
      ImageRecord record =
          image.imageLabel() != null
              ? ImageRecord.scalar(values[0], 0, bytes)
              : ImageRecord.array(values, 0, bytes);
      return new Encoded(image, record.pack());
    }
    return new Encoded(
        image, ExampleCodec.encode(TfExamples.encode(image, bytes, info.format(), classes)));
  }

  /**
   * Checks that the image data is complete, so that a file whose header is intact but whose data
   * is cut short is rejected here rather than failing training. A JPEG must reach its end-of-image
   * marker after its first scan; a PNG's chunks must all fit and end with {@code IEND}. This walks
   * the bytes once instead of decoding them: a full decode (about 20 ms for a 768x768 JPEG on one
   * core) would make the conversion an order of magnitude slower. Entropy data that is complete
   * but corrupt is not detected.
   *
   * @return what is wrong, or null when the data is complete
   */
  static String completenessProblem(byte[] b, ImageFormat format) {
    return switch (format) {
      case JPEG -> jpegProblem(b);
      case PNG -> pngProblem(b);
      default -> null;
    };
  }

  private static String jpegProblem(byte[] b) {
    int n = b.length;
    int i = 2; // after SOI, checked by the header reader
    while (i + 1 < n) {
      if ((b[i] & 0xFF) != 0xFF) {
        return "the image data is corrupt: no JPEG marker at byte " + i;
      }
      int m = b[i + 1] & 0xFF;
      if (m == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (m == 0xD9) {
        return "the image data ends before its first scan (a truncated or corrupt file)";
      }
      if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
        i += 2;
        continue;
      }
      if (i + 3 >= n) {
        break;
      }
      int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
      if (len < 2 || i + 2 + len > n) {
        break;
      }
      i += 2 + len;
      if (m == 0xDA) {
        // Entropy-coded data: a 0xFF there is always followed by 0x00 or a marker, so the first
        // 0xFF 0xD9 from here on is the end of the image.
        for (int k = i; k + 1 < n; k++) {
          if ((b[k] & 0xFF) == 0xFF && (b[k + 1] & 0xFF) == 0xD9) {
            return null;
          }
        }
        break;
      }
    }
    return "the image data ends early: the JPEG has no end-of-image marker after "
        + n
        + " bytes (a truncated file)";
  }

  private static String pngProblem(byte[] b) {
    int n = b.length;
    long i = 8; // after the signature, checked by the header reader
    while (i + 8 <= n) {
      int at = (int) i;
      long len =
          ((long) (b[at] & 0xFF) << 24)
              | ((b[at + 1] & 0xFF) << 16)
              | ((b[at + 2] & 0xFF) << 8)
              | (b[at + 3] & 0xFF);
      boolean iend = b[at + 4] == 'I' && b[at + 5] == 'E' && b[at + 6] == 'N' && b[at + 7] == 'D';
      i += 12 + len;
      if (i > n) {
        break;
      }
      if (iend) {
        return null;
      }
    }
    return "the image data ends early: the PNG's chunks stop before IEND after "
        + n
        + " bytes (a truncated file)";
  }

  private static Rejected reject(LabeledImage image, RejectReason reason, String detail) {
    return new Rejected(new Rejection(image.sourceId(), reason, detail));
  }
}
