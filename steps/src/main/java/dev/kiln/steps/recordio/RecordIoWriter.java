package dev.kiln.steps.recordio;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a {@code .rec} file in dmlc-core's framing and, beside it, the {@code .idx} that MXNet's
 * {@code MXIndexedRecordIO.write_idx} writes: one {@code key \t offset} line per record, the offset
 * being that of the record's first magic. Not thread-safe: one writer per file.
 */
public final class RecordIoWriter implements Closeable {
  static final int BUFFER_SIZE = 1 << 18;

  private final OutputStream rec;
  private final Writer idx;
  private long records;
  private long position;
  private long idxBytes;

  /**
   * Wraps streams; the writer owns and closes them.
   *
   * @param idx where index lines go, or null to write none
   */
  public RecordIoWriter(OutputStream rec, Writer idx) {
    this.rec = Objects.requireNonNull(rec, "rec");
    this.idx = idx;
  }

  /** Creates (or truncates) a {@code .rec} file and its {@code .idx}. */
  public static RecordIoWriter create(Path rec, Path idx) throws IOException {
    OutputStream r = new BufferedOutputStream(Files.newOutputStream(rec), BUFFER_SIZE);
    try {
      return new RecordIoWriter(r, Files.newBufferedWriter(idx, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      r.close();
      throw e;
    }
  }

  /** The {@code .idx} file that belongs to a {@code .rec} file: same stem, beside it. */
  public static Path indexOf(Path rec) {
    String n = rec.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return rec.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".idx");
  }

  /**
   * Appends one record and its index line.
   *
   * @param key the index key (MXNet's are record ids); must not contain tabs or line breaks
   * @return the record's offset in the {@code .rec} file
   */
  public long write(String key, byte[] payload) throws IOException {
    if (idx != null && (key.isEmpty() || key.chars().anyMatch(c -> c == '\t' || c == '\n'))) {
      throw new IllegalArgumentException("bad RecordIO index key \"" + key + "\"");
    }
    long offset = position;
    position += RecordIoFraming.write(rec, payload);
    records++;
    if (idx != null) {
      String line = key + "\t" + offset + "\n";
      idx.write(line);
      idxBytes += line.length();
    }
    return offset;
  }

  /** Records written so far. */
  public long records() {
    return records;
  }

  /** Bytes of the {@code .rec} file so far, framing included. */
  public long bytes() {
    return position;
  }

  /** Bytes of the {@code .idx} file so far. */
  public long indexBytes() {
    return idxBytes;
  }

  @Override
  public void close() throws IOException {
    try {
      rec.close();
    } finally {
      if (idx != null) {
        idx.close();
      }
    }
  }
}
