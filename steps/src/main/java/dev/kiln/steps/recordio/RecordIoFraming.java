package dev.kiln.steps.recordio;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The record framing of dmlc-core's {@code RecordIOWriter}: each part is a little-endian {@code
 * uint32} magic, a {@code uint32} "lrec" word holding a 3-bit continuation flag above a 29-bit
 * length, the data, and zero padding to a multiple of 4 bytes.
 *
 * <p>So that a reader can find record starts by scanning for the magic, a payload that contains the
 * magic at a 4-byte aligned offset is cut there into parts (flag 1 first, 2 middle, 3 last; 0 for a
 * record in one part) and those 4 bytes are left out; a reader puts them back between the parts.
 * The flag bits of the magic read 6, so an lrec word is never mistaken for the magic.
 */
public final class RecordIoFraming {
  /** The magic of every part, {@code 0a 23 d7 ce} on disk. */
  public static final int MAGIC = 0xced7230a;

  /** The magic of old dmlc-core files, which had 30-bit lengths and a 2-bit flag. */
  public static final int OLD_MAGIC = 0x3ed7230a;

  /** The largest payload of one record, {@code 2^29 - 1} bytes. */
  public static final int MAX_LENGTH = (1 << 29) - 1;

  /** Bytes of the magic and lrec words before each part's data. */
  public static final int HEADER_BYTES = 8;

  /** Continuation flags. */
  public static final int WHOLE = 0;

  public static final int FIRST = 1;
  public static final int MIDDLE = 2;
  public static final int LAST = 3;

  private RecordIoFraming() {}

  /** The lrec word of a part. */
  public static int lrec(int cflag, int length) {
    checkArgument(cflag >= 0 && cflag <= 3, "cflag must be 0..3, got %s", cflag);
    checkArgument(length >= 0 && length <= MAX_LENGTH, "length out of range: %s", length);
    return (cflag << 29) | length;
  }

  /** The continuation flag of an lrec word. */
  public static int flag(int lrec) {
    return (lrec >>> 29) & 7;
  }

  /** The data length of an lrec word. */
  public static int length(int lrec) {
    return lrec & MAX_LENGTH;
  }

  /** A length rounded up to a multiple of 4. */
  public static long padded(long length) {
    return (length + 3) & ~3L;
  }

  /**
   * Writes one record, split where the magic occurs at an aligned offset of the payload.
   *
   * @return the bytes written, framing and padding included
   */
  public static long write(OutputStream out, byte[] payload) throws IOException {
    int len = payload.length;
    checkArgument(
        len <= MAX_LENGTH, "a RecordIO record holds at most 2^29 - 1 bytes, got %s", len);
    byte[] head = new byte[HEADER_BYTES];
    putIntLe(head, 0, MAGIC);
    long written = 0;
    int start = 0;
    int aligned = len & ~3;
    for (int i = 0; i < aligned; i += 4) {
      if (getIntLe(payload, i) == MAGIC) {
        putIntLe(head, 4, lrec(start == 0 ? FIRST : MIDDLE, i - start));
        out.write(head);
        out.write(payload, start, i - start);
        written += HEADER_BYTES + (i - start);
        start = i + 4;
      }
    }
    putIntLe(head, 4, lrec(start == 0 ? WHOLE : LAST, len - start));
    out.write(head);
    out.write(payload, start, len - start);
    int pad = (int) (padded(len) - len);
    out.write(new byte[pad]);
    return written + HEADER_BYTES + (len - start) + pad;
  }

  static int getIntLe(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }

  static void putIntLe(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  static long getLongLe(byte[] b, int at) {
    return (getIntLe(b, at) & 0xFFFFFFFFL) | ((long) getIntLe(b, at + 4) << 32);
  }

  static void putLongLe(byte[] b, int at, long v) {
    putIntLe(b, at, (int) v);
    putIntLe(b, at + 4, (int) (v >>> 32));
  }

  /** {@code 0x...} for messages. */
  static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
