package dev.kiln.steps.labels;

import dev.kiln.steps.recordio.ImageRecord;
import dev.kiln.steps.recordio.ShardedRecordIoWriter;
import dev.kiln.steps.tfrecord.ShardedTfRecordWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code convert-labels} in one thread, no engine: read → validate → split → encode → sharded
 * TFRecords, plus {@code classes.txt}, {@code label_map.pbtxt}, {@code rejected.jsonl} and {@code
 * stats.json}. It is the fallback when no Beam runner is wanted and the baseline the Beam version
 * is measured against; both call the same per-record functions.
 */
public final class PlainConverter {
  public static final String CLASSES_FILE = "classes.txt";
  public static final String LABEL_MAP_FILE = "label_map.pbtxt";
  public static final String REJECTED_FILE = "rejected.jsonl";
  public static final String STATS_FILE = "stats.json";

  private static final System.Logger LOG = System.getLogger(PlainConverter.class.getName());

  private PlainConverter() {}

  /**
   * Runs a conversion. Stops with {@link InterruptedIOException} when the thread is interrupted,
   * leaving what was written so far.
   *
   * @throws LabelFormatException when the input's format cannot be detected or a dataset-wide
   *     annotation file is malformed
   */
  public static ConversionStats convert(ConvertOptions options) throws IOException {
    long start = System.nanoTime();
    LabelFormat format =
        options.format().isPresent() ? options.format().get() : LabelFormat.detect(options.input());
    ReadResult read = options.reader(format).read(options.input(), options.scope());
    ClassList classes =
        options.classes().orElseGet(() -> ClassList.build(read.declaredClasses(), read.images()));
    Path out = options.outputDir();
    Files.createDirectories(out);
    classes.write(out.resolve(CLASSES_FILE));
    classes.writeLabelMap(out.resolve(LABEL_MAP_FILE));

    Map<String, Shards> writers = new LinkedHashMap<>();
    Map<String, Long> perSplit = new HashMap<>();
    Map<String, Map<String, Long>> perClass = new HashMap<>();
    Map<String, Long> byReason = new HashMap<>();
    long clipped = 0;
    long written = 0;
    long bytes = 0;
    List<String> shardFiles = new ArrayList<>();
    try (BufferedWriter rejected =
        Files.newBufferedWriter(out.resolve(REJECTED_FILE), StandardCharsets.UTF_8)) {
      for (String split : options.splitter().declaredSplits()) {
        writers.put(split, Shards.create(options, Files.createDirectories(out.resolve(split)), split));
      }
      for (Rejection r : read.rejections()) {
        record(rejected, byReason, r);
      }
      int done = 0;
      Set<String> seen = new HashSet<>();
      for (LabeledImage image : read.images()) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException(
              "convert-labels interrupted after "
                  + done
                  + " of "
                  + read.images().size()
                  + " images");
        }
        if (done > 0 && done % options.progressEvery() == 0) {
          progress(done, read.images().size(), written);
        }
        done++;
        if (!seen.add(image.sourceId())) {
          record(
              rejected,
              byReason,
              new Rejection(
                  image.sourceId(),
                  RejectReason.DUPLICATE_IMAGE,
                  "the image is annotated more than once; the first entry was kept"));
          continue;
        }
        var split = options.splitter().assign(image);
        if (split.isEmpty()) {
          record(rejected, byReason, options.splitter().unassigned(image));
          continue;
        }
        Validation.Result valid = Validation.validate(image, classes, options.boxPolicy());
        for (Rejection r : valid.rejections()) {
          record(rejected, byReason, r);
        }
        clipped += valid.clippedBoxes();
        if (!valid.accepted()) {
          continue;
        }
        RecordConverter.Outcome outcome =
            RecordConverter.convert(valid.image(), classes, options.outputFormat());
        if (outcome instanceof RecordConverter.Rejected r) {
          record(rejected, byReason, r.rejection());
          continue;
        }
        RecordConverter.Encoded enc = (RecordConverter.Encoded) outcome;
        String s = split.get();
        Shards w = writers.get(s);
        if (w == null) {
          w = Shards.create(options, Files.createDirectories(out.resolve(fileSafe(s))), fileSafe(s));
          writers.put(s, w);
        }
        w.write(image.sourceId(), done - 1, enc.example());
        written++;
        perSplit.merge(s, 1L, Long::sum);
        Map<String, Long> counts = perClass.computeIfAbsent(s, k -> new TreeMap<>());
        enc.image().label().ifPresent(l -> counts.merge(l, 1L, Long::sum));
        for (BoxAnnotation b : enc.image().boxes()) {
          counts.merge(b.className(), 1L, Long::sum);
        }
      }
      progress(done, read.images().size(), written);
    } finally {
      IOException first = null;
      for (Shards w : writers.values()) {
        try {
          w.close();
          bytes += w.bytes();
          w.paths().forEach(p -> shardFiles.add(out.relativize(p).toString()));
        } catch (IOException e) {
          if (first == null) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
    for (String split : writers.keySet()) {
      perSplit.putIfAbsent(split, 0L);
    }
    ConversionStats stats =
        new ConversionStats(
            format.id(),
            read.images().size(),
            written,
            perSplit,
            perClass,
            byReason,
            clipped,
            classes.names(),
            shardFiles.stream().sorted().toList(),
            bytes,
            (System.nanoTime() - start) / 1_000_000);
    Files.writeString(out.resolve(STATS_FILE), stats.toJson(), StandardCharsets.UTF_8);
    return stats;
  }

  /** The shard writer of one split, in the output format. */
  private interface Shards extends java.io.Closeable {
    /**
     * @param index the image's position in the reader's output: the RecordIO record id
     */
    void write(String key, long index, byte[] record) throws IOException;

    List<Path> paths();

    long bytes();

    static Shards create(ConvertOptions options, Path dir, String prefix) throws IOException {
      if (options.outputFormat() == OutputFormat.RECORDIO) {
        ShardedRecordIoWriter w =
            ShardedRecordIoWriter.create(dir, prefix, options.shards(), options.assignment());
        return new Shards() {
          @Override
          public void write(String key, long index, byte[] record) throws IOException {
            ImageRecord.setId(record, index);
            w.write(key, Long.toString(index), record);
          }

          @Override
          public List<Path> paths() {
            return w.paths();
          }

          @Override
          public long bytes() {
            return w.bytes();
          }

          @Override
          public void close() throws IOException {
            w.close();
          }
        };
      }
      ShardedTfRecordWriter w =
          ShardedTfRecordWriter.create(dir, prefix, options.shards(), options.assignment());
      return new Shards() {
        @Override
        public void write(String key, long index, byte[] record) throws IOException {
          w.write(key, record);
        }

        @Override
        public List<Path> paths() {
          return w.paths();
        }

        @Override
        public long bytes() {
          return w.bytes();
        }

        @Override
        public void close() throws IOException {
          w.close();
        }
      };
    }
  }

  private static void progress(int done, int total, long written) {
    LOG.log(
        System.Logger.Level.INFO,
        () -> "convert-labels: " + done + "/" + total + " images, " + written + " records written");
  }

  private static void record(BufferedWriter out, Map<String, Long> byReason, Rejection r)
      throws IOException {
    out.write(r.toJsonLine());
    out.write('\n');
    byReason.merge(r.reason().code(), 1L, Long::sum);
  }

  /** A split name as a file prefix: tags come from user data and must not escape the folder. */
  static String fileSafe(String split) {
    String s = split.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "split_" + s : s;
  }
}
