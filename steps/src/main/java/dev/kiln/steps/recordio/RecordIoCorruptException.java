package dev.kiln.steps.recordio;

import java.io.IOException;

/**
 * A RecordIO file whose framing is wrong at some record: a bad magic, a record cut short, a
 * continuation part out of place. Names the file and the byte offset of the record so that a user
 * can find it; a reader can go on at the next record head ({@link RecordIoReader#findNextHead}).
 */
public final class RecordIoCorruptException extends IOException {
  private final String file;
  private final long byteOffset;
  private final String problem;

  public RecordIoCorruptException(String file, long byteOffset, String problem) {
    super(file + " at byte offset " + byteOffset + ": " + problem);
    this.file = file;
    this.byteOffset = byteOffset;
    this.problem = problem;
  }

  /** The file as it was named when it was opened. */
  public String file() {
    return file;
  }

  /** Offset of the bad record's first part (its magic) in the file. */
  public long byteOffset() {
    return byteOffset;
  }

  /** What is wrong, without the file and offset. */
  public String problem() {
    return problem;
  }
}
