package dev.kiln.steps.tfrecord;

import java.io.IOException;

/**
 * A TFRecord file whose framing or checksums are wrong. Names the file, the zero-based record index
 * and the byte offset so that a user can find (or cut off) the bad part.
 */
public final class TfRecordCorruptException extends IOException {
  private final String file;
  private final long recordIndex;
  private final long byteOffset;

  public TfRecordCorruptException(String file, long recordIndex, long byteOffset, String problem) {
    super(file + ": record " + recordIndex + " (byte offset " + byteOffset + "): " + problem);
    this.file = file;
    this.recordIndex = recordIndex;
    this.byteOffset = byteOffset;
  }

  /** The file as it was named when it was opened. */
  public String file() {
    return file;
  }

  /** Zero-based index of the bad record. */
  public long recordIndex() {
    return recordIndex;
  }

  /** Offset of the bad record's header in the file. */
  public long byteOffset() {
    return byteOffset;
  }
}
