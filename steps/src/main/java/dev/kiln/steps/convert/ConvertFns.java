package dev.kiln.steps.convert;

import dev.kiln.steps.labels.BoxAnnotation;
import dev.kiln.steps.labels.BoxPolicy;
import dev.kiln.steps.labels.ClassList;
import dev.kiln.steps.labels.LabeledImage;
import dev.kiln.steps.labels.OutputFormat;
import dev.kiln.steps.labels.RecordConverter;
import dev.kiln.steps.labels.Rejection;
import dev.kiln.steps.labels.Splitter;
import dev.kiln.steps.labels.Validation;
import dev.kiln.steps.recordio.ImageRecord;
import dev.kiln.steps.recordio.RecordIoWriter;
import dev.kiln.steps.tfrecord.ShardedTfRecordWriter;
import dev.kiln.steps.tfrecord.TfRecordWriter;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/** The DoFns of the convert-labels pipeline. */
final class ConvertFns {
  static final String METRICS_NAMESPACE = "convert-labels";

  /** Images routed to a shard, keyed by (split, shard index). */
  static final TupleTag<KV<KV<String, Integer>, WorkItem>> ROUTED = new TupleTag<>() {};

  /** Rejections and shard results for the driver. */
  static final TupleTag<ReportEntry> REPORT = new TupleTag<>() {};

  private ConvertFns() {}

  /** Counts into the work folder's progress files, at most once a second and when asked. */
  private static final class Progress {
    private final WorkFolder folder;
    private final String worker = UUID.randomUUID().toString();
    private long done;
    private long lastWrite;

    Progress(WorkFolder folder) {
      this.folder = folder;
      this.lastWrite = System.nanoTime();
    }

    void add(long n) {
      done += n;
      if (System.nanoTime() - lastWrite > 1_000_000_000L) {
        flush();
      }
    }

    void flush() {
      folder.writeProgress(worker, done);
      lastWrite = System.nanoTime();
    }
  }

  /**
   * Per image: assign the split, validate, pick the shard. Pure computation on metadata; rejected
   * images count as done for progress.
   */
  static final class AssignFn extends DoFn<WorkSlice, KV<KV<String, Integer>, WorkItem>> {
    private final Splitter splitter;
    private final ClassList classes;
    private final BoxPolicy boxPolicy;
    private final int shards;
    private final WorkFolder folder;
    private final Counter rejectedImages =
        Metrics.counter(METRICS_NAMESPACE, "images-rejected-before-read");
    private transient Progress progress;

    AssignFn(Splitter splitter, ClassList classes, BoxPolicy boxPolicy, int shards, WorkFolder f) {
      this.splitter = splitter;
      this.classes = classes;
      this.boxPolicy = boxPolicy;
      this.shards = shards;
      this.folder = f;
    }

    @Setup
    public void setup() {
      progress = new Progress(folder);
    }

    @ProcessElement
    public void process(@Element WorkSlice slice, MultiOutputReceiver out) {
      for (WorkItem item : slice.items()) {
        assign(item, out);
      }
    }

    private void assign(WorkItem item, MultiOutputReceiver out) {
      LabeledImage image = item.image();
      Optional<String> split = splitter.assign(image);
      if (split.isEmpty()) {
        out.get(REPORT)
            .output(new ReportEntry.Rejected(item.index(), 0, splitter.unassigned(image)));
        rejectedImages.inc();
        progress.add(1);
        return;
      }
      Validation.Result valid = Validation.validate(image, classes, boxPolicy);
      List<Rejection> rejections = valid.rejections();
      for (int i = 0; i < rejections.size(); i++) {
        out.get(REPORT).output(new ReportEntry.Rejected(item.index(), i, rejections.get(i)));
      }
      if (!valid.accepted()) {
        rejectedImages.inc();
        progress.add(1);
        return;
      }
      int shard = ShardedTfRecordWriter.shardOf(image.sourceId(), shards);
      out.get(ROUTED)
          .output(
              KV.of(
                  KV.of(split.get(), shard),
                  new WorkItem(
                      item.index(), valid.image(), valid.clippedBoxes(), rejections.size())));
    }

    @FinishBundle
    public void finishBundle() {
      progress.flush();
    }
  }

  /**
   * Threads that read and encode images ahead of a shard writer: one pool per DoFn instance,
   * created in {@code @Setup} and shut down in {@code @Teardown}, so that a long-lived Flink
   * TaskManager keeps no threads (nor the job's class loader) after the job.
   */
  static ExecutorService encoders() {
    return Executors.newFixedThreadPool(
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        r -> {
          Thread t = new Thread(r, "convert-labels-encoder");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Reads and encodes the images of a shard on an {@link #encoders()} pool, at most {@link #WINDOW}
   * ahead of the writer, and hands the outcomes back in order. The shard's bytes stay those of a
   * sequential loop, but the work of one shard spreads over every core: with few shards per worker
   * (8 shards of unequal splits on 2 workers) the key distribution no longer decides the wall time.
   * Memory stays bounded by the window (a few encoded images).
   */
  static final class Lookahead implements AutoCloseable {
    static final int WINDOW = 8;
    private final java.util.Iterator<WorkItem> items;
    private final ClassList classes;
    private final ExecutorService pool;
    private final java.util.ArrayDeque<Future<RecordConverter.Outcome>> pending =
        new java.util.ArrayDeque<>();

    private final OutputFormat format;

    Lookahead(List<WorkItem> items, ClassList classes, ExecutorService pool) {
      this(items, classes, pool, OutputFormat.TFRECORD);
    }

    Lookahead(List<WorkItem> items, ClassList classes, ExecutorService pool, OutputFormat format) {
      this.items = items.iterator();
      this.classes = classes;
      this.pool = pool;
      this.format = format;
      fill();
    }

    private void fill() {
      while (pending.size() < WINDOW && items.hasNext()) {
        LabeledImage image = items.next().image();
        pending.add(pool.submit(() -> RecordConverter.convert(image, classes, format)));
      }
    }

    /** The next image's outcome, in input order. */
    RecordConverter.Outcome next() throws IOException {
      Future<RecordConverter.Outcome> f = pending.poll();
      if (f == null) {
        throw new java.util.NoSuchElementException("no more images in this shard");
      }
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while encoding images");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        if (c instanceof Error err) {
          throw err;
        }
        throw new IOException(c);
      } finally {
        fill();
      }
    }

    /** Cancels what is still queued (after a failure or a cancel). */
    @Override
    public void close() {
      pending.forEach(f -> f.cancel(true));
      pending.clear();
    }
  }

  /**
   * Writes one shard: reads, checks and encodes each of its images in the plain converter's order
   * and streams the records to the file. Only the shard's metadata is held in memory; an image's
   * bytes live only while its record is written. The file appears under its final name only when
   * complete, so a retried or failed attempt never leaves a half shard behind.
   */
  static final class WriteShardFn
      extends DoFn<KV<KV<String, Integer>, Iterable<WorkItem>>, ReportEntry> {
    private final ClassList classes;
    private final int shards;
    private final Set<String> declaredSplits;
    private final String outputDir;
    private final WorkFolder folder;
    private final OutputFormat format;
    private final Counter written = Metrics.counter(METRICS_NAMESPACE, "records-written");
    private final Counter rejected = Metrics.counter(METRICS_NAMESPACE, "images-rejected-on-read");
    private transient Progress progress;
    private transient ExecutorService pool;

    WriteShardFn(
        ClassList classes, int shards, Set<String> declaredSplits, Path outputDir, WorkFolder f) {
      this(classes, shards, declaredSplits, outputDir, f, OutputFormat.TFRECORD);
    }

    WriteShardFn(
        ClassList classes,
        int shards,
        Set<String> declaredSplits,
        Path outputDir,
        WorkFolder f,
        OutputFormat format) {
      this.format = format;
      this.classes = classes;
      this.shards = shards;
      this.declaredSplits = Set.copyOf(declaredSplits);
      this.outputDir = outputDir.toAbsolutePath().toString();
      this.folder = f;
    }

    @Setup
    public void setup() {
      progress = new Progress(folder);
      pool = encoders();
    }

    @Teardown
    public void teardown() {
      if (pool != null) {
        pool.shutdownNow();
      }
    }

    @ProcessElement
    public void process(
        @Element KV<KV<String, Integer>, Iterable<WorkItem>> group, OutputReceiver<ReportEntry> out)
        throws IOException {
      String split = group.getKey().getKey();
      int shard = group.getKey().getValue();
      List<WorkItem> items = new ArrayList<>();
      group.getValue().forEach(items::add);
      items.sort(Comparator.comparingLong(WorkItem::index));

      Path active = folder.markActive();
      try {
        writeShard(split, shard, items, out);
      } finally {
        Files.deleteIfExists(active);
      }
    }

    private void writeShard(
        String split, int shard, List<WorkItem> items, OutputReceiver<ReportEntry> out)
        throws IOException {
      String prefix = declaredSplits.contains(split) ? split : BeamConverter.fileSafe(split);
      List<String> names = format.shardFiles(prefix, shard, shards);
      String name = names.get(0);
      // Each split in its own folder (train/train-00000-of-00004.tfrecord), as the plain converter.
      Path dir = Files.createDirectories(Path.of(outputDir).resolve(prefix));
      String attempt = "." + UUID.randomUUID() + ".inprogress";
      List<Path> tmps = names.stream().map(n -> dir.resolve("." + n + attempt)).toList();
      WorkFolder.CancelCheck cancel = new WorkFolder.CancelCheck(folder);
      Map<String, Long> perClass = new HashMap<>();
      long clipped = 0;
      long bytes;
      long records;
      try (ShardFile w = ShardFile.create(format, tmps);
          Lookahead ahead = new Lookahead(items, classes, pool, format)) {
        for (WorkItem item : items) {
          cancel.check();
          clipped += item.clippedBoxes();
          RecordConverter.Outcome outcome = ahead.next();
          if (outcome instanceof RecordConverter.Rejected r) {
            out.output(
                new ReportEntry.Rejected(item.index(), item.rejectionsBefore(), r.rejection()));
            rejected.inc();
          } else if (outcome instanceof RecordConverter.Encoded enc) {
            w.write(item.index(), enc.example());
            written.inc();
            enc.image().label().ifPresent(l -> perClass.merge(l, 1L, Long::sum));
            for (BoxAnnotation b : enc.image().boxes()) {
              perClass.merge(b.className(), 1L, Long::sum);
            }
          }
          progress.add(1);
        }
        records = w.records();
        bytes = w.bytes();
      } catch (IOException | RuntimeException e) {
        for (Path t : tmps) {
          Files.deleteIfExists(t);
        }
        throw e;
      }
      for (int i = 0; i < tmps.size(); i++) {
        if (records == 0) {
          // The plain converter opens a split's files on its first record; leave empty files to
          // the driver, which knows every split that got one.
          Files.deleteIfExists(tmps.get(i));
        } else {
          Files.move(
              tmps.get(i),
              dir.resolve(names.get(i)),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        }
      }
      progress.flush();
      out.output(new ReportEntry.ShardWritten(split, name, records, bytes, perClass, clipped));
    }
  }

  /** One shard's file(s) in the output format: a TFRecord file, or a {@code .rec} and its index. */
  private interface ShardFile extends AutoCloseable {
    /**
     * @param index the image's position in the reader's output: the RecordIO record id and key
     */
    void write(long index, byte[] record) throws IOException;

    long records();

    long bytes();

    @Override
    void close() throws IOException;

    static ShardFile create(OutputFormat format, List<Path> files) throws IOException {
      if (format == OutputFormat.RECORDIO) {
        RecordIoWriter w = RecordIoWriter.create(files.get(0), files.get(1));
        return new ShardFile() {
          @Override
          public void write(long index, byte[] record) throws IOException {
            ImageRecord.setId(record, index);
            w.write(Long.toString(index), record);
          }

          @Override
          public long records() {
            return w.records();
          }

          @Override
          public long bytes() {
            return w.bytes() + w.indexBytes();
          }

          @Override
          public void close() throws IOException {
            w.close();
          }
        };
      }
      TfRecordWriter w = TfRecordWriter.create(files.get(0));
      return new ShardFile() {
        @Override
        public void write(long index, byte[] record) throws IOException {
          w.write(record);
        }

        @Override
        public long records() {
          return w.records();
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

  /** Writes every report entry into one file for the driver. */
  static final class WriteReportFn extends DoFn<KV<Integer, Iterable<ReportEntry>>, Void> {
    private final WorkFolder folder;

    WriteReportFn(WorkFolder folder) {
      this.folder = folder;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<ReportEntry>> all) throws IOException {
      ArrayList<ReportEntry> entries = new ArrayList<>();
      all.getValue().forEach(entries::add);
      Path tmp = folder.dir().resolve("." + WorkFolder.REPORT + "." + UUID.randomUUID());
      try (OutputStream os = Files.newOutputStream(tmp);
          ObjectOutputStream oos = new ObjectOutputStream(os)) {
        oos.writeObject(entries);
      }
      Files.move(
          tmp,
          folder.report(),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
