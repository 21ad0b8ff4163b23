package dev.kiln.steps.tfrecord;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes records in TFRecord framing (uncompressed), the format {@code tf.io.TFRecordWriter}
 * produces with no compression. Not thread-safe: one writer per shard.
 */
public final class TfRecordWriter implements Closeable {
  static final int BUFFER_SIZE = 1 << 18;

  private final OutputStream out;
  private final byte[] header = new byte[12];
  private final byte[] footer = new byte[4];
  private long records;
  private long bytes;

  /** Wraps a stream; the writer owns it and closes it. */
  public TfRecordWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Creates (or truncates) a file and writes to it through a large buffer. */
  public static TfRecordWriter create(Path file) throws IOException {
    return new TfRecordWriter(new BufferedOutputStream(Files.newOutputStream(file), BUFFER_SIZE));
  }

  /** Appends one record. */
  public void write(byte[] data) throws IOException {
    write(data, 0, data.length);
  }

  /** Appends one record from a slice of an array. */
  public void write(byte[] data, int offset, int length) throws IOException {
    TfRecordFraming.putLongLe(header, 0, length);
    TfRecordFraming.putIntLe(header, 8, TfRecordFraming.maskedCrc32c(header, 0, 8));
    TfRecordFraming.putIntLe(footer, 0, TfRecordFraming.maskedCrc32c(data, offset, length));
    out.write(header);
    out.write(data, offset, length);
    out.write(footer);
    records++;
    bytes += length + TfRecordFraming.OVERHEAD;
  }

  /** Records written so far. */
  public long records() {
    return records;
  }

  /** Bytes written so far, framing included. */
  public long bytes() {
    return bytes;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
