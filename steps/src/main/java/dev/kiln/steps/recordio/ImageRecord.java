package dev.kiln.steps.recordio;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Objects;

/**
 * One image record as MXNet's {@code recordio.pack} lays it out: the {@code IRHeader} ({@code
 * uint32 flag, float32 label, uint64 id, uint64 id2}, 24 bytes little-endian), then, when {@code
 * flag > 0}, {@code flag} float32 label values, then the encoded image. A scalar label has {@code
 * flag = 0} and lives in the header's {@code label}; an array has {@code label = 0}.
 *
 * @param flag the header's flag: 0, or the number of label values
 * @param label the scalar label (0 when {@code labels} is used)
 * @param id the record id ({@code im2rec} writes the {@code .lst} index)
 * @param id2 the high bits of the id, normally 0
 * @param labels the label array, empty for a scalar label
 * @param image the encoded image bytes
 */
public record ImageRecord(long flag, float label, long id, long id2, float[] labels, byte[] image) {
  /** Bytes of the {@code IRHeader}. */
  public static final int HEADER_BYTES = 24;

  /** Offset of the id in the header. */
  static final int ID_OFFSET = 8;

  public ImageRecord {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(image, "image");
    checkArgument(flag >= 0 && flag <= 0xFFFFFFFFL, "flag is a uint32, got %s", flag);
    checkArgument(
        flag == labels.length, "flag %s does not match %s label values", flag, labels.length);
    labels = labels.clone();
  }

  /** A record with one scalar label, as {@code pack(IRHeader(0, label, id, 0), image)}. */
  public static ImageRecord scalar(float label, long id, byte[] image) {
    return new ImageRecord(0, label, id, 0, new float[0], image);
  }

  /** A record with a label array, as {@code pack(IRHeader(0, labels, id, 0), image)}. */
  public static ImageRecord array(float[] labels, long id, byte[] image) {
    checkArgument(labels.length > 0, "a label array needs at least one value");
    return new ImageRecord(labels.length, 0f, id, 0, labels, image);
  }

  @Override
  public float[] labels() {
    return labels.clone();
  }

  /**
   * Reads a record's payload.
   *
   * @throws InvalidImageRecordException when it is too short for its header or its labels
   */
  public static ImageRecord unpack(byte[] payload) throws InvalidImageRecordException {
    if (payload.length < HEADER_BYTES) {
      throw new InvalidImageRecordException(
          "the record has "
              + payload.length
              + " bytes, fewer than the 24-byte image header (flag, label, id, id2)",
          false);
    }
    long flag = RecordIoFraming.getIntLe(payload, 0) & 0xFFFFFFFFL;
    float label = Float.intBitsToFloat(RecordIoFraming.getIntLe(payload, 4));
    long id = RecordIoFraming.getLongLe(payload, ID_OFFSET);
    long id2 = RecordIoFraming.getLongLe(payload, 16);
    long room = (payload.length - HEADER_BYTES) / 4;
    if (flag > room) {
      throw new InvalidImageRecordException(
          "the image header's flag says "
              + flag
              + " label values ("
              + flag * 4
              + " bytes) but only "
              + (payload.length - HEADER_BYTES)
              + " bytes follow the header",
          true);
    }
    float[] labels = new float[(int) flag];
    for (int i = 0; i < flag; i++) {
      labels[i] = Float.intBitsToFloat(RecordIoFraming.getIntLe(payload, HEADER_BYTES + 4 * i));
    }
    int start = HEADER_BYTES + 4 * (int) flag;
    byte[] image = Arrays.copyOfRange(payload, start, payload.length);
    return new ImageRecord(flag, label, id, id2, labels, image);
  }

  /** The record's payload, ready for {@link RecordIoWriter#write}. */
  public byte[] pack() {
    byte[] out = new byte[HEADER_BYTES + 4 * labels.length + image.length];
    RecordIoFraming.putIntLe(out, 0, (int) flag);
    RecordIoFraming.putIntLe(out, 4, Float.floatToRawIntBits(label));
    RecordIoFraming.putLongLe(out, ID_OFFSET, id);
    RecordIoFraming.putLongLe(out, 16, id2);
    for (int i = 0; i < labels.length; i++) {
      RecordIoFraming.putIntLe(out, HEADER_BYTES + 4 * i, Float.floatToRawIntBits(labels[i]));
    }
    System.arraycopy(image, 0, out, HEADER_BYTES + 4 * labels.length, image.length);
    return out;
  }

  /**
   * Sets the id of a packed record in place: records are encoded in parallel before the writer
   * knows their position.
   */
  public static void setId(byte[] payload, long id) {
    checkArgument(payload.length >= HEADER_BYTES, "not a packed image record");
    RecordIoFraming.putLongLe(payload, ID_OFFSET, id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageRecord r
        && flag == r.flag
        && Float.compare(label, r.label) == 0
        && id == r.id
        && id2 == r.id2
        && Arrays.equals(labels, r.labels)
        && Arrays.equals(image, r.image);
  }

  @Override
  public int hashCode() {
    return Objects.hash(flag, label, id, id2, Arrays.hashCode(labels), Arrays.hashCode(image));
  }

  @Override
  public String toString() {
    return "ImageRecord[flag="
        + flag
        + ", label="
        + label
        + ", id="
        + id
        + ", id2="
        + id2
        + ", labels="
        + Arrays.toString(labels)
        + ", image="
        + image.length
        + " bytes]";
  }
}
