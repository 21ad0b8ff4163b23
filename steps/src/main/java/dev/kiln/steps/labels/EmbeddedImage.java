package dev.kiln.steps.labels;

import dev.kiln.steps.recordio.ImageRecord;
import dev.kiln.steps.recordio.InvalidImageRecordException;
import dev.kiln.steps.recordio.RecordIoReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An image that lives inside a RecordIO record rather than in a file of its own. {@link
 * LabeledImage#image()} then holds a reference {@code recordio:<offset>:<absolute .rec path>}: the
 * record is read again where the image is encoded, so that the reader holds no image bytes and the
 * {@link LabeledImage} stays small for a Beam pipeline.
 */
public final class EmbeddedImage {
  static final String PREFIX = "recordio:";

  private EmbeddedImage() {}

  /** The reference to the image of the record at {@code offset} in {@code rec}. */
  public static String reference(Path rec, long offset) {
    return PREFIX + offset + ":" + rec.toAbsolutePath().normalize();
  }

  /** Whether an image string is such a reference. */
  public static boolean isReference(String image) {
    return image.startsWith(PREFIX);
  }

  /**
   * Reads the image bytes a reference points at.
   *
   * @throws java.nio.file.NoSuchFileException when the {@code .rec} file is gone
   * @throws IOException when the record is no longer readable there
   */
  public static byte[] read(String reference) throws IOException {
    int colon = reference.indexOf(':', PREFIX.length());
    if (!isReference(reference) || colon < 0) {
      throw new IllegalArgumentException("not a RecordIO image reference: " + reference);
    }
    long offset = Long.parseLong(reference.substring(PREFIX.length(), colon));
    Path rec = Path.of(reference.substring(colon + 1));
    try (RecordIoReader r = RecordIoReader.open(rec, rec.toString())) {
      return ImageRecord.unpack(r.readAt(offset).payload()).image();
    } catch (InvalidImageRecordException e) {
      throw new IOException(rec + " at byte offset " + offset + ": " + e.getMessage(), e);
    }
  }
}
