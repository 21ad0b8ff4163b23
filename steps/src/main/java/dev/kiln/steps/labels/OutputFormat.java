package dev.kiln.steps.labels;

import dev.kiln.steps.recordio.ShardedRecordIoWriter;
import dev.kiln.steps.tfrecord.ShardedTfRecordWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code convert-labels} writes, by the name given in {@code output_format=}. */
public enum OutputFormat {
  /** TFRecord shards of {@code tf.Example}, for TensorFlow and its Object Detection API. */
  TFRECORD("tfrecord"),
  /**
   * MXNet RecordIO ({@code .rec} with {@code .idx}), for SageMaker's object detector and MXNet:
   * each record the image as given, its labels in SageMaker's detection layout.
   */
  RECORDIO("recordio");

  private final String id;

  OutputFormat(String id) {
    this.id = id;
  }

  /** The name used in parameters. */
  public String id() {
    return id;
  }

  /** Looks a format up by its id. */
  public static OutputFormat fromId(String id) {
    for (OutputFormat f : values()) {
      if (f.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown output format \""
            + id
            + "\" (known: "
            + Arrays.stream(values()).map(OutputFormat::id).collect(Collectors.joining(", "))
            + ")");
  }

  /**
   * The files of one shard, relative to its split folder: the TFRecord file, or the {@code .rec}
   * and its {@code .idx}.
   */
  public List<String> shardFiles(String prefix, int shard, int shards) {
    if (this == TFRECORD) {
      return List.of(ShardedTfRecordWriter.shardName(prefix, shard, shards));
    }
    String rec = ShardedRecordIoWriter.shardName(prefix, shard, shards);
    return List.of(rec, rec.substring(0, rec.length() - ".rec".length()) + ".idx");
  }
}
