package dev.kiln.steps.tfrecord;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.hash.Hashing;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes records into {@code N} shard files named like TensorFlow's and Beam's {@code
 * prefix-00000-of-00004.tfrecord}. All shard files are created up front, so an empty shard is an
 * empty file and a reader globbing {@code prefix-*-of-00004.tfrecord} always sees N files.
 */
public final class ShardedTfRecordWriter implements Closeable {

  /** How a record picks its shard. */
  public enum Assignment {
    /** Record i goes to shard i mod N: even sizes, depends on record order. */
    ROUND_ROBIN,
    /**
     * Shard from a hash of the record's key: the same key always lands in the same shard whatever
     * the order or parallelism, so a Beam run and a plain run write the same shard contents.
     */
    KEY_HASH
  }

  private final List<Path> paths;
  private final List<TfRecordWriter> writers;
  private final Assignment assignment;
  private long next;
  private boolean closed;

  private ShardedTfRecordWriter(List<Path> paths, List<TfRecordWriter> writers, Assignment a) {
    this.paths = List.copyOf(paths);
    this.writers = writers;
    this.assignment = a;
  }

  /**
   * Creates {@code shards} files in {@code dir}.
   *
   * @param prefix the file name prefix, e.g. {@code train}
   */
  public static ShardedTfRecordWriter create(
      Path dir, String prefix, int shards, Assignment assignment) throws IOException {
    checkArgument(shards >= 1 && shards <= 99_999, "shards must be in 1..99999, got %s", shards);
    checkArgument(!prefix.isBlank() && !prefix.contains("/"), "bad shard prefix \"%s\"", prefix);
    Objects.requireNonNull(assignment, "assignment");
    Files.createDirectories(dir);
    List<Path> paths = new ArrayList<>(shards);
    List<TfRecordWriter> writers = new ArrayList<>(shards);
    try {
      for (int i = 0; i < shards; i++) {
        Path p = dir.resolve(shardName(prefix, i, shards));
        paths.add(p);
        writers.add(TfRecordWriter.create(p));
      }
    } catch (IOException e) {
      for (TfRecordWriter w : writers) {
        try {
          w.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return new ShardedTfRecordWriter(paths, writers, assignment);
  }

  /** {@code prefix-00003-of-00008.tfrecord}. */
  public static String shardName(String prefix, int shard, int shards) {
    return String.format("%s-%05d-of-%05d.tfrecord", prefix, shard, shards);
  }

  /** The shard a key goes to under {@link Assignment#KEY_HASH}. */
  public static int shardOf(String key, int shards) {
    long h = Hashing.murmur3_128().hashString(key, StandardCharsets.UTF_8).asLong();
    return (int) Math.floorMod(h, (long) shards);
  }

  /**
   * Writes one record.
   *
   * @param key identifies the record for {@link Assignment#KEY_HASH} (e.g. the image's source id)
   * @return the shard index it went to
   */
  public int write(String key, byte[] record) throws IOException {
    if (closed) {
      throw new IllegalStateException("writer already closed");
    }
    int shard =
        assignment == Assignment.ROUND_ROBIN
            ? (int) (next++ % writers.size())
            : shardOf(key, writers.size());
    writers.get(shard).write(record);
    return shard;
  }

  /** The shard files, in shard order. */
  public List<Path> paths() {
    return paths;
  }

  /** Records per shard, in shard order. */
  public long[] recordsPerShard() {
    long[] out = new long[writers.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = writers.get(i).records();
    }
    return out;
  }

  /** Total bytes written, framing included. */
  public long bytes() {
    long b = 0;
    for (TfRecordWriter w : writers) {
      b += w.bytes();
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
    for (TfRecordWriter w : writers) {
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
