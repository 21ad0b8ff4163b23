package dev.kiln.steps.recordio;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.steps.tfrecord.ShardedTfRecordWriter;
import dev.kiln.steps.tfrecord.ShardedTfRecordWriter.Assignment;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes records into {@code N} {@code .rec} files, each with its {@code .idx}, named {@code
 * prefix-00000-of-00004.rec} like the TFRecord shards. Records pick their shard as {@link
 * ShardedTfRecordWriter} does, so both output formats split a dataset the same way. All files are
 * created up front.
 */
public final class ShardedRecordIoWriter implements Closeable {
  private final List<Path> paths;
  private final List<RecordIoWriter> writers;
  private final Assignment assignment;
  private long next;
  private boolean closed;

  private ShardedRecordIoWriter(List<Path> paths, List<RecordIoWriter> writers, Assignment a) {
    this.paths = List.copyOf(paths);
    this.writers = writers;
    this.assignment = a;
  }

  /** Creates {@code shards} {@code .rec} and {@code .idx} files in {@code dir}. */
  public static ShardedRecordIoWriter create(
      Path dir, String prefix, int shards, Assignment assignment) throws IOException {
    checkArgument(shards >= 1 && shards <= 99_999, "shards must be in 1..99999, got %s", shards);
    checkArgument(!prefix.isBlank() && !prefix.contains("/"), "bad shard prefix \"%s\"", prefix);
    Objects.requireNonNull(assignment, "assignment");
    Files.createDirectories(dir);
    List<Path> paths = new ArrayList<>(2 * shards);
    List<RecordIoWriter> writers = new ArrayList<>(shards);
    try {
      for (int i = 0; i < shards; i++) {
        Path rec = dir.resolve(shardName(prefix, i, shards));
        Path idx = RecordIoWriter.indexOf(rec);
        paths.add(rec);
        paths.add(idx);
        writers.add(RecordIoWriter.create(rec, idx));
      }
    } catch (IOException e) {
      for (RecordIoWriter w : writers) {
        try {
          w.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return new ShardedRecordIoWriter(paths, writers, assignment);
  }

  /** {@code prefix-00003-of-00008.rec}; its index is {@code prefix-00003-of-00008.idx}. */
  public static String shardName(String prefix, int shard, int shards) {
    return String.format("%s-%05d-of-%05d.rec", prefix, shard, shards);
  }

  /**
   * Writes one record.
   *
   * @param key picks the shard under {@link Assignment#KEY_HASH} (e.g. the image's source id)
   * @param indexKey the record's key in the {@code .idx}
   * @return the shard index it went to
   */
  public int write(String key, String indexKey, byte[] payload) throws IOException {
    if (closed) {
      throw new IllegalStateException("writer already closed");
    }
    int shard =
        assignment == Assignment.ROUND_ROBIN
            ? (int) (next++ % writers.size())
            : ShardedTfRecordWriter.shardOf(key, writers.size());
    writers.get(shard).write(indexKey, payload);
    return shard;
  }

  /** The files, {@code .rec} then {@code .idx} of each shard, in shard order. */
  public List<Path> paths() {
    return paths;
  }

  /** Total bytes of the {@code .rec} and {@code .idx} files. */
  public long bytes() {
    long b = 0;
    for (RecordIoWriter w : writers) {
      b += w.bytes() + w.indexBytes();
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    for (RecordIoWriter w : writers) {
      try {
        w.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
