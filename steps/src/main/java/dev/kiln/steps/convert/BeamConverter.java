package dev.kiln.steps.convert;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.steps.labels.ClassList;
import dev.kiln.steps.labels.ConversionStats;
import dev.kiln.steps.labels.ConvertOptions;
import dev.kiln.steps.labels.LabelFormat;
import dev.kiln.steps.labels.LabeledImage;
import dev.kiln.steps.labels.PlainConverter;
import dev.kiln.steps.labels.ReadResult;
import dev.kiln.steps.labels.RejectReason;
import dev.kiln.steps.labels.Rejection;
import dev.kiln.steps.tfrecord.ShardedTfRecordWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Runs {@code convert-labels} as a Beam pipeline on whatever runner the arguments name, and writes
 * exactly what {@link PlainConverter} writes: the same shard files with the same bytes, {@code
 * classes.txt}, {@code label_map.pbtxt}, {@code rejected.jsonl} (same lines, same order) and {@code
 * stats.json} (same content except the elapsed time).
 *
 * <p>The driver reads the annotations (cheap: no image is opened) and removes duplicates, which
 * depend on input order. The pipeline then does, per image in parallel, split, validation and shard
 * choice ({@code AssignSplitAndValidate}); groups the metadata by shard ({@code GroupByShard}); and
 * per shard reads, checks and encodes the images and streams the records to the file in input order
 * ({@code WriteShards}). Only {@link ShardedTfRecordWriter.Assignment#KEY_HASH} is supported:
 * round-robin depends on record order, which a parallel run does not have.
 */
public final class BeamConverter {
  private BeamConverter() {}

  /** Receives progress while the pipeline runs. */
  @FunctionalInterface
  public interface ProgressListener {
    /**
     * @param done images handled (written or rejected)
     * @param total images to handle
     */
    void progress(long done, long total);
  }

  /** How often the driver polls progress. */
  static final long POLL_MILLIS = 2_000;

  /** How long an interrupted driver waits for the job to notice the cancel marker. */
  private static final long CANCEL_WAIT_SECONDS = 60;

  /**
   * Converts a dataset.
   *
   * @param options what to convert; {@code assignment} must be {@code KEY_HASH}
   * @param beamArgs Beam pipeline arguments such as {@code --runner=FlinkRunner
   *     --flinkMaster=localhost:8081}; the runner must see {@code options.outputDir()} and the
   *     images under the same paths
   * @throws InterruptedIOException when the thread is interrupted; the job is cancelled first
   * @throws IOException when the job fails, with the runner's cause
   */
  public static ConversionStats convert(
      ConvertOptions options, List<String> beamArgs, ProgressListener listener) throws IOException {
    return convert(options, beamArgs, listener, POLL_MILLIS);
  }

  static ConversionStats convert(
      ConvertOptions options, List<String> beamArgs, ProgressListener listener, long pollMillis)
      throws IOException {
    checkArgument(
        options.assignment() == ShardedTfRecordWriter.Assignment.KEY_HASH,
        "the Beam converter assigns shards by key hash only (got %s)",
        options.assignment());
    Objects.requireNonNull(listener, "listener");
    long start = System.nanoTime();
    LabelFormat format =
        options.format().isPresent() ? options.format().get() : LabelFormat.detect(options.input());
    ReadResult read = options.reader(format).read(options.input(), options.scope());
    ClassList classes =
        options.classes().orElseGet(() -> ClassList.build(read.declaredClasses(), read.images()));
    Path out = options.outputDir().toAbsolutePath();
    Files.createDirectories(out);
    classes.write(out.resolve(PlainConverter.CLASSES_FILE));
    classes.writeLabelMap(out.resolve(PlainConverter.LABEL_MAP_FILE));

    List<ReportEntry.Rejected> rejections = new ArrayList<>();
    for (int i = 0; i < read.rejections().size(); i++) {
      rejections.add(new ReportEntry.Rejected(-1, i, read.rejections().get(i)));
    }
    List<WorkItem> work = new ArrayList<>(read.images().size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < read.images().size(); i++) {
      LabeledImage image = read.images().get(i);
      if (!seen.add(image.sourceId())) {
        rejections.add(
            new ReportEntry.Rejected(
                i,
                0,
                new Rejection(
                    image.sourceId(),
                    RejectReason.DUPLICATE_IMAGE,
                    "the image is annotated more than once; the first entry was kept")));
      } else {
        work.add(new WorkItem(i, image, 0, 0));
      }
    }
    long total = read.images().size();

    WorkFolder folder = WorkFolder.create(out);
    List<ReportEntry> report;
    boolean finished = false;
    try {
      Pipeline p = build(options, beamArgs, classes, work, folder);
      long duplicates = total - work.size();
      runAndWait(
          p,
          folder,
          pollMillis,
          done -> listener.progress(Math.min(total, done + duplicates), total));
      finished = true;
      listener.progress(total, total);
      report = readReport(folder);
    } finally {
      if (!finished) {
        // A failed or cancelled job may leave workers running (the DirectRunner does not join
        // them): stop them through the marker and let them remove their temporary shards.
        try {
          folder.requestCancel();
          folder.awaitIdle(CANCEL_WAIT_SECONDS * 1000);
        } catch (IOException e) {
          // cleaning up after a failure: the job's own error is the one to report
        }
      }
      folder.delete();
      deleteLeftovers(out);
    }

    Set<String> splits = new LinkedHashSet<>(options.splitter().declaredSplits());
    Map<String, Long> perSplit = new HashMap<>();
    Map<String, Map<String, Long>> perClass = new HashMap<>();
    long clipped = 0;
    long written = 0;
    long bytes = 0;
    for (ReportEntry e : report) {
      if (e instanceof ReportEntry.Rejected r) {
        rejections.add(r);
      } else if (e instanceof ReportEntry.ShardWritten s) {
        clipped += s.clippedBoxes();
        written += s.records();
        bytes += s.bytes();
        if (s.records() > 0) {
          splits.add(s.split());
          perSplit.merge(s.split(), s.records(), Long::sum);
          Map<String, Long> counts = perClass.computeIfAbsent(s.split(), k -> new TreeMap<>());
          s.objectsPerClass().forEach((k, v) -> counts.merge(k, v, Long::sum));
        }
      }
    }
    Set<String> declared = Set.copyOf(options.splitter().declaredSplits());
    List<String> shardFiles = new ArrayList<>();
    for (String split : splits) {
      perSplit.putIfAbsent(split, 0L);
      String prefix = declared.contains(split) ? split : fileSafe(split);
      for (int i = 0; i < options.shards(); i++) {
        for (String name : options.outputFormat().shardFiles(prefix, i, options.shards())) {
          Path f = Files.createDirectories(out.resolve(prefix)).resolve(name);
          if (!Files.exists(f)) {
            Files.write(f, new byte[0]);
          }
          shardFiles.add(prefix + "/" + name);
        }
      }
    }

    Map<String, Long> byReason = new HashMap<>();
    rejections.sort(
        Comparator.comparingLong(ReportEntry.Rejected::index)
            .thenComparingInt(ReportEntry.Rejected::seq));
    try (BufferedWriter w =
        Files.newBufferedWriter(
            out.resolve(PlainConverter.REJECTED_FILE), StandardCharsets.UTF_8)) {
      for (ReportEntry.Rejected r : rejections) {
        w.write(r.rejection().toJsonLine());
        w.write('\n');
        byReason.merge(r.rejection().reason().code(), 1L, Long::sum);
      }
    }
    ConversionStats stats =
        new ConversionStats(
            format.id(),
            total,
            written,
            perSplit,
            perClass,
            byReason,
            clipped,
            classes.names(),
            shardFiles.stream().sorted().toList(),
            bytes,
            (System.nanoTime() - start) / 1_000_000);
    Files.writeString(
        out.resolve(PlainConverter.STATS_FILE), stats.toJson(), StandardCharsets.UTF_8);
    return stats;
  }

  private static Pipeline build(
      ConvertOptions options,
      List<String> beamArgs,
      ClassList classes,
      List<WorkItem> work,
      WorkFolder folder) {
    PipelineOptions po;
    try {
      po =
          PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new))
              .withValidation()
              .create();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad Beam pipeline arguments " + beamArgs + ": " + e.getMessage(), e);
    }
    po.setJobName("convert-labels-" + UUID.randomUUID().toString().substring(0, 8));
    Pipeline p = Pipeline.create(po);
    var routedCoder =
        KvCoder.of(
            KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()),
            SerializableCoder.of(WorkItem.class));
    var reportCoder = SerializableCoder.of(ReportEntry.class);

    PCollection<WorkSlice> items =
        p.apply(
            "ListImages",
            Create.of(WorkSlice.of(work)).withCoder(SerializableCoder.of(WorkSlice.class)));
    PCollectionTuple assigned =
        items.apply(
            "AssignSplitAndValidate",
            ParDo.of(
                    new ConvertFns.AssignFn(
                        options.splitter(), classes, options.boxPolicy(), options.shards(), folder))
                .withOutputTags(ConvertFns.ROUTED, TupleTagList.of(ConvertFns.REPORT)));
    PCollection<KV<KV<String, Integer>, WorkItem>> routed =
        assigned.get(ConvertFns.ROUTED).setCoder(routedCoder);
    PCollection<ReportEntry> early = assigned.get(ConvertFns.REPORT).setCoder(reportCoder);
    PCollection<ReportEntry> shardReports =
        routed
            .apply("GroupByShard", GroupByKey.create())
            .apply(
                "WriteShards",
                ParDo.of(
                    new ConvertFns.WriteShardFn(
                        classes,
                        options.shards(),
                        Set.copyOf(options.splitter().declaredSplits()),
                        options.outputDir(),
                        folder,
                        options.outputFormat())))
            .setCoder(reportCoder);
    PCollectionList.of(early)
        .and(shardReports)
        .apply("CollectReport", Flatten.pCollections())
        .apply(
            "KeyReport",
            WithKeys.<Integer, ReportEntry>of(0).withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), reportCoder))
        .apply("GroupReport", GroupByKey.create())
        .apply("WriteReport", ParDo.of(new ConvertFns.WriteReportFn(folder)));
    return p;
  }

  /** Runs on a helper thread so that this one can poll progress and react to an interrupt. */
  private static void runAndWait(
      Pipeline p, WorkFolder folder, long pollMillis, java.util.function.LongConsumer progress)
      throws IOException {
    ExecutorService exec =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "convert-labels-beam");
              t.setDaemon(true);
              return t;
            });
    PipelineResult[] result = new PipelineResult[1];
    Future<PipelineResult.State> job =
        exec.submit(
            () -> {
              PipelineResult r = p.run();
              synchronized (result) {
                result[0] = r;
              }
              return r.waitUntilFinish();
            });
    try {
      while (true) {
        try {
          PipelineResult.State state = job.get(pollMillis, TimeUnit.MILLISECONDS);
          if (state != PipelineResult.State.DONE) {
            throw new IOException("the convert-labels Beam job ended in state " + state);
          }
          return;
        } catch (TimeoutException e) {
          progress.accept(folder.progress());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          throw new IOException("the convert-labels Beam job failed: " + rootMessage(cause), cause);
        } catch (InterruptedException e) {
          cancel(job, result, folder);
          Thread.currentThread().interrupt();
          InterruptedIOException ie = new InterruptedIOException("convert-labels was interrupted");
          ie.initCause(e);
          throw ie;
        }
      }
    } finally {
      exec.shutdownNow();
    }
  }

  private static void cancel(
      Future<PipelineResult.State> job, PipelineResult[] result, WorkFolder folder) {
    try {
      folder.requestCancel();
    } catch (IOException e) {
      // fall through to the runner's own cancel
    }
    synchronized (result) {
      if (result[0] != null) {
        try {
          result[0].cancel();
        } catch (IOException | UnsupportedOperationException e) {
          // the marker stops the workers all the same
        }
      }
    }
    try {
      job.get(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
      // failed as asked, or still stopping: either way the caller reports the interrupt
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (cause: " + c + ")";
  }

  @SuppressWarnings("unchecked")
  private static List<ReportEntry> readReport(WorkFolder folder) throws IOException {
    if (!Files.exists(folder.report())) {
      return List.of();
    }
    try (InputStream in = Files.newInputStream(folder.report());
        ObjectInputStream ois = new ObjectInputStream(in)) {
      return (List<ReportEntry>) ois.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException("cannot read the pipeline's report " + folder.report(), e);
    }
  }

  /** Removes half-written shards of failed attempts and stale work folders. */
  private static void deleteLeftovers(Path out) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.walk(out, 2)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith(".") && n.endsWith(".inprogress")) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * A split name as a file prefix, as the plain converter makes it (tags come from user data and
   * must not escape the folder). Kept equal to {@code PlainConverter.fileSafe}, which is
   * package-private there.
   */
  static String fileSafe(String split) {
    String s = split.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "split_" + s : s;
  }
}
