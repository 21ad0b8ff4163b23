package dev.kiln.steps.tfrecord;

import java.util.zip.CRC32C;

/**
 * The TFRecord framing: {@code uint64 length (LE), uint32 masked_crc32c(length), data, uint32
 * masked_crc32c(data)}. Kept in one place so that writer and reader cannot drift apart.
 */
public final class TfRecordFraming {
  /** Bytes of framing around each record: 8 (length) + 4 + 4. */
  public static final int OVERHEAD = 16;

  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecordFraming() {}

  /** CRC32C (Castagnoli) of a byte range, as an unsigned 32-bit value in an int. */
  public static int crc32c(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }

  /**
   * TensorFlow masks stored CRCs because a CRC of data that itself contains CRCs is weak; the
   * rotation plus constant is the same as {@code tensorflow/core/lib/hash/crc32c.h}.
   */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** Inverse of {@link #mask(int)}. */
  public static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }

  /** Masked CRC32C of a byte range, the value stored in a TFRecord file. */
  public static int maskedCrc32c(byte[] data, int offset, int length) {
    return mask(crc32c(data, offset, length));
  }

  /** Frames one record: header, data and footer in one new array. */
  public static byte[] frame(byte[] data) {
    byte[] out = new byte[data.length + OVERHEAD];
    putLongLe(out, 0, data.length);
    putIntLe(out, 8, maskedCrc32c(out, 0, 8));
    System.arraycopy(data, 0, out, 12, data.length);
    putIntLe(out, 12 + data.length, maskedCrc32c(data, 0, data.length));
    return out;
  }

  static void putLongLe(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putIntLe(byte[] b, int off, int v) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  static long getLongLe(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }

  static int getIntLe(byte[] b, int off) {
    int v = 0;
    for (int i = 3; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }
}
