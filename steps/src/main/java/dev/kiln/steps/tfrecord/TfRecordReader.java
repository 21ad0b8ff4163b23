package dev.kiln.steps.tfrecord;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads TFRecord files and checks both CRCs of every record. Written independently of the writer
 * (it shares only the byte-order helpers) so that tests of one check the other.
 */
public final class TfRecordReader implements Closeable {
  /** Refuses lengths above this: a corrupt length would otherwise allocate gigabytes. */
  static final long MAX_RECORD = Integer.MAX_VALUE - 64;

  private final InputStream in;
  private final String name;
  private final long fileSize;
  private final byte[] header = new byte[12];
  private final byte[] footer = new byte[4];
  private long index;
  private long offset;

  /**
   * Reads from a stream.
   *
   * @param name how errors name the source
   * @param size the source's size in bytes, or -1 if unknown (used to spot impossible lengths)
   */
  public TfRecordReader(InputStream in, String name, long size) {
    this.in = Objects.requireNonNull(in, "in");
    this.name = Objects.requireNonNull(name, "name");
    this.fileSize = size;
  }

  /** Opens a file. */
  public static TfRecordReader open(Path file) throws IOException {
    return new TfRecordReader(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16),
        file.toString(),
        Files.size(file));
  }

  /** Reads every record of a file, failing on the first corrupt one. */
  public static List<byte[]> readAll(Path file) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (TfRecordReader r = open(file)) {
      for (byte[] rec = r.next(); rec != null; rec = r.next()) {
        out.add(rec);
      }
    }
    return out;
  }

  /**
   * The next record's data, or {@code null} at a clean end of file.
   *
   * @throws TfRecordCorruptException on a truncated record or a CRC mismatch
   */
  public byte[] next() throws IOException {
    int got = readFully(header, 0, 12);
    if (got == 0) {
      return null;
    }
    if (got < 12) {
      throw corrupt("truncated header (" + got + " of 12 bytes)");
    }
    long length = TfRecordFraming.getLongLe(header, 0);
    int lengthCrc = TfRecordFraming.getIntLe(header, 8);
    int expectedLengthCrc = TfRecordFraming.maskedCrc32c(header, 0, 8);
    if (lengthCrc != expectedLengthCrc) {
      throw corrupt(
          "length CRC mismatch (stored "
              + hex(lengthCrc)
              + ", computed "
              + hex(expectedLengthCrc)
              + ")");
    }
    if (length < 0 || length > MAX_RECORD || (fileSize >= 0 && offset + 16 + length > fileSize)) {
      throw corrupt(
          "record length "
              + Long.toUnsignedString(length)
              + " runs past the end of the file"
              + (fileSize >= 0 ? " (" + fileSize + " bytes)" : ""));
    }
    byte[] data = new byte[(int) length];
    int gotData = readFully(data, 0, data.length);
    if (gotData < data.length) {
      throw corrupt("truncated data (" + gotData + " of " + length + " bytes)");
    }
    int gotFooter = readFully(footer, 0, 4);
    if (gotFooter < 4) {
      throw corrupt("truncated data CRC (" + gotFooter + " of 4 bytes)");
    }
    int dataCrc = TfRecordFraming.getIntLe(footer, 0);
    int expectedDataCrc = TfRecordFraming.maskedCrc32c(data, 0, data.length);
    if (dataCrc != expectedDataCrc) {
      throw corrupt(
          "data CRC mismatch (stored " + hex(dataCrc) + ", computed " + hex(expectedDataCrc) + ")");
    }
    index++;
    offset += 16 + length;
    return data;
  }

  /** Records read so far. */
  public long recordsRead() {
    return index;
  }

  private TfRecordCorruptException corrupt(String problem) {
    return new TfRecordCorruptException(name, index, offset, problem);
  }

  private static String hex(int v) {
    return String.format("0x%08x", v);
  }

  private int readFully(byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int n = in.read(b, off + total, len - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
