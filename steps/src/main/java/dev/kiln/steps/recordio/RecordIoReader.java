package dev.kiln.steps.recordio;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads records of a {@code .rec} file by offset, as MXNet does after looking an offset up in the
 * {@code .idx}, or one after the other from offset 0. Joins the parts of a split record and puts
 * the magic back between them. A damaged record throws {@link RecordIoCorruptException}; a
 * sequential reader goes on at {@link #findNextHead}, as dmlc-core's chunk reader finds record
 * starts.
 */
public final class RecordIoReader implements Closeable {
  /** A whole record. */
  public record Record(long offset, byte[] payload, long end) {}

  private static final int SCAN_CHUNK = 1 << 16;

  private final FileChannel channel;
  private final String name;
  private final long size;
  private final byte[] head = new byte[RecordIoFraming.HEADER_BYTES];

  private RecordIoReader(FileChannel channel, String name) throws IOException {
    this.channel = channel;
    this.name = name;
    this.size = channel.size();
  }

  /**
   * Opens a file.
   *
   * @param name the file as the user knows it, for messages
   */
  public static RecordIoReader open(Path file, String name) throws IOException {
    return new RecordIoReader(FileChannel.open(file, StandardOpenOption.READ), name);
  }

  /** The file's length in bytes. */
  public long size() {
    return size;
  }

  /** The first 4 bytes as a little-endian word, or empty-file {@code -1L}. */
  public long firstWord() throws IOException {
    if (size < 4) {
      return -1L;
    }
    byte[] b = new byte[4];
    readFully(b, 4, 0);
    return RecordIoFraming.getIntLe(b, 0) & 0xFFFFFFFFL;
  }

  /**
   * Reads the record whose first part starts at {@code offset}.
   *
   * @throws RecordIoCorruptException naming the offset when the framing is wrong there
   */
  public Record readAt(long offset) throws IOException {
    if (offset < 0 || offset >= size) {
      throw corrupt(offset, "the offset is past the end of the file (" + size + " bytes)");
    }
    if ((offset & 3) != 0) {
      throw corrupt(offset, "the offset is not a multiple of 4, where every record starts");
    }
    ByteArrayOutputStream joined = null;
    long pos = offset;
    int part = 0;
    while (true) {
      if (size - pos < RecordIoFraming.HEADER_BYTES) {
        throw corrupt(
            offset,
            "truncated record: "
                + (part == 0 ? "" : "part " + part + " at byte " + pos + ": ")
                + "only "
                + (size - pos)
                + " bytes left for the 8-byte part header");
      }
      readFully(head, RecordIoFraming.HEADER_BYTES, pos);
      int magic = RecordIoFraming.getIntLe(head, 0);
      if (magic != RecordIoFraming.MAGIC) {
        String old =
            magic == RecordIoFraming.OLD_MAGIC
                ? " (the magic of old dmlc-core RecordIO; re-pack with a current im2rec)"
                : "";
        throw corrupt(
            offset,
            (part == 0 ? "" : "part " + part + " at byte " + pos + ": ")
                + "bad magic "
                + RecordIoFraming.hex(magic)
                + old
                + ", expected "
                + RecordIoFraming.hex(RecordIoFraming.MAGIC));
      }
      int lrec = RecordIoFraming.getIntLe(head, 4);
      int cflag = RecordIoFraming.flag(lrec);
      int len = RecordIoFraming.length(lrec);
      boolean expected =
          part == 0
              ? cflag == RecordIoFraming.WHOLE || cflag == RecordIoFraming.FIRST
              : cflag == RecordIoFraming.MIDDLE || cflag == RecordIoFraming.LAST;
      if (!expected) {
        throw corrupt(
            offset,
            (part == 0
                    ? "the record starts with continuation flag "
                    : "part " + part + " at byte " + pos + " has continuation flag ")
                + cflag
                + ", expected "
                + (part == 0 ? "0 (whole) or 1 (first part)" : "2 (middle) or 3 (last part)"));
      }
      long data = pos + RecordIoFraming.HEADER_BYTES;
      long padded = RecordIoFraming.padded(len);
      if (data + padded > size) {
        throw corrupt(
            offset,
            "truncated record: "
                + (part == 0 ? "" : "part " + part + " at byte " + pos + ": ")
                + "the header says "
                + len
                + " bytes of data (padded "
                + padded
                + ") but the file has "
                + (size - data)
                + " left");
      }
      byte[] bytes = new byte[len];
      readFully(bytes, len, data);
      pos = data + padded;
      if (part == 0 && cflag == RecordIoFraming.WHOLE) {
        return new Record(offset, bytes, pos);
      }
      if (joined == null) {
        joined = new ByteArrayOutputStream(len + 64);
      } else {
        byte[] m = new byte[4];
        RecordIoFraming.putIntLe(m, 0, RecordIoFraming.MAGIC);
        joined.write(m);
      }
      if ((long) joined.size() + len + 4 > Integer.MAX_VALUE - 16) {
        throw corrupt(offset, "the record's parts add up to more than 2 GiB");
      }
      joined.write(bytes);
      part++;
      if (cflag == RecordIoFraming.LAST) {
        return new Record(offset, joined.toByteArray(), pos);
      }
    }
  }

  /**
   * The first offset at or after {@code from}, on a 4-byte boundary, where a record starts: the
   * magic followed by an lrec with flag 0 or 1.
   *
   * @return the offset, or -1 when there is none
   */
  public long findNextHead(long from) throws IOException {
    long pos = RecordIoFraming.padded(Math.max(0, from));
    byte[] buf = new byte[SCAN_CHUNK + RecordIoFraming.HEADER_BYTES];
    while (pos + RecordIoFraming.HEADER_BYTES <= size) {
      int n = (int) Math.min(buf.length, size - pos);
      readFully(buf, n, pos);
      for (int i = 0; i + RecordIoFraming.HEADER_BYTES <= n; i += 4) {
        if (RecordIoFraming.getIntLe(buf, i) == RecordIoFraming.MAGIC) {
          int cflag = RecordIoFraming.flag(RecordIoFraming.getIntLe(buf, i + 4));
          if (cflag == RecordIoFraming.WHOLE || cflag == RecordIoFraming.FIRST) {
            return pos + i;
          }
        }
      }
      pos += SCAN_CHUNK;
    }
    return -1;
  }

  private void readFully(byte[] into, int n, long at) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(into, 0, n);
    long p = at;
    while (b.hasRemaining()) {
      int r = channel.read(b, p);
      if (r < 0) {
        throw new EOFException(name + ": unexpected end of file at byte " + p);
      }
      p += r;
    }
  }

  private RecordIoCorruptException corrupt(long offset, String problem) {
    return new RecordIoCorruptException(name, offset, problem);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
