package dev.kiln.steps.convert;

import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.steps.labels.BoxPolicy;
import dev.kiln.steps.labels.ConversionStats;
import dev.kiln.steps.labels.ConvertOptions;
import dev.kiln.steps.labels.LabelFormat;
import dev.kiln.steps.labels.LabelFormatException;
import dev.kiln.steps.labels.OutputFormat;
import dev.kiln.steps.labels.Splitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code convert-labels} step: maps the step's parameters and inputs to a {@link
 * ConvertOptions}, runs {@link BeamConverter} with the Beam arguments of the {@code beam} executor
 * ({@code beam.args}; the DirectRunner when there are none) and logs the result as metadata.
 */
public final class ConvertLabelsFunction implements StepFunction {
  /** The engine option that carries Beam pipeline arguments. */
  public static final String BEAM_ARGS = "beam.args";

  /** The optional input of train/test file lists. */
  static final String SPLIT_LISTS = "split_lists";

  /** Beam arguments used when the executor gives none. */
  public static final String DEFAULT_BEAM_ARGS = "--runner=DirectRunner";

  @Override
  public void run(StepContext context) throws Exception {
    Path labels = context.inputDir("labels");
    Path input = datasetRoot(context);
    ConvertOptions.Builder b =
        ConvertOptions.builder()
            .setInput(input)
            .optInputRoots(List.of(labels, context.inputDir("images")))
            .setOutputDir(context.outputDir())
            .optSplitter(splitter(context))
            .optShards(context.intParameter("shards"))
            .optBoxPolicy(boxPolicy(context.stringParameter("box_policy")))
            .optFormatOptions(formatOptions(context))
            .optOutputFormat(
                OutputFormat.fromId(
                    context.parameter("output_format").map(v -> v.render()).orElse("tfrecord")));
    String format = context.stringParameter("format");
    if (!format.equalsIgnoreCase("auto")) {
      b.optFormat(format(format));
    }
    ConvertOptions options = b.build();
    List<String> args = beamArgs(context.engineOptions());
    context.log("convert-labels: Beam arguments " + String.join(" ", args));
    context.reportDevice("cpu");
    ConversionStats stats;
    try {
      stats = BeamConverter.convert(options, args, progressLog(context, System::nanoTime));
    } finally {
      if (!input.equals(labels)) {
        deleteLinks(input);
      }
    }
    context.logMetrics(metrics(stats));
    for (Map.Entry<String, Long> e : stats.examplesPerSplit().entrySet()) {
      if (e.getValue() == 0 && stats.examplesWritten() > 0) {
        context.log("convert-labels: warning: split \"" + e.getKey() + "\" is empty");
      }
    }
    requireRecords(stats);
  }

  /**
   * A conversion that wrote no record at all is a failure, not an empty success: the error names
   * the input and says why the images were rejected. The outputs ({@code rejected.jsonl}) stay.
   */
  static void requireRecords(ConversionStats stats) {
    if (stats.examplesWritten() > 0) {
      return;
    }
    String why =
        stats.imagesRead() == 0
            ? "no image was found"
            : "none of the "
                + stats.imagesRead()
                + " images read could be converted";
    String reasons =
        stats.rejectionsByReason().isEmpty()
            ? ""
            : " (rejected: "
                + stats.rejectionsByReason().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(java.util.stream.Collectors.joining(", "))
                + "; each one is in outputs/rejected.jsonl with its file and reason)";
    throw new LabelFormatException(
        "input \"labels\"", 0, 0, "", why + ": the dataset gives no training data" + reasons);
  }

  /**
   * Reports progress when the count moved, or every 10 s while it does not (the job is starting),
   * so the log shows a few lines, not one per poll.
   */
  static BeamConverter.ProgressListener progressLog(
      StepContext context, java.util.function.LongSupplier nanoClock) {
    long[] last = {-1, 0};
    return (done, total) -> {
      long now = nanoClock.getAsLong();
      if (done != last[0] || now - last[1] >= 10_000_000_000L) {
        context.progress("records", done, total);
        last[0] = done;
        last[1] = now;
      }
    };
  }

  /** Splits {@code beam.args} on white space; {@link #DEFAULT_BEAM_ARGS} when absent. */
  static List<String> beamArgs(Map<String, String> engineOptions) {
    String raw = engineOptions.getOrDefault(BEAM_ARGS, "").strip();
    if (raw.isEmpty()) {
      raw = DEFAULT_BEAM_ARGS;
    }
    return Arrays.stream(raw.split("\\s+")).toList();
  }

  /** The metadata entry of a conversion: counts per split and class, shards, throughput. */
  static Map<String, Object> metrics(ConversionStats stats) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", stats.format());
    m.put("images_read", stats.imagesRead());
    m.put("records_written", stats.examplesWritten());
    m.put("rejected", stats.rejected());
    m.put("records_per_split", stats.examplesPerSplit());
    m.put("objects_per_split_and_class", stats.objectsPerSplitAndClass());
    m.put("rejections_by_reason", stats.rejectionsByReason());
    m.put("boxes_clipped", stats.boxesClipped());
    m.put("classes", stats.classes().size());
    m.put("shards_written", stats.shardFiles().size());
    m.put("bytes_written", stats.bytesWritten());
    double seconds = Math.max(stats.elapsedMillis(), 1) / 1000.0;
    m.put("elapsed_s", seconds);
    m.put("records_per_s", Math.round(stats.examplesWritten() / seconds * 10) / 10.0);
    m.put("mb_per_s", Math.round(stats.bytesWritten() / 1e6 / seconds * 10) / 10.0);
    return m;
  }

  static Splitter splitter(StepContext context) throws IOException {
    double testRatio = context.doubleParameter("test_ratio");
    long seed = context.longParameter("seed");
    Splitter.ByRatio ratio = new Splitter.ByRatio(1.0 - testRatio, seed);
    String split = context.parameter("split").map(v -> v.render()).orElse("auto");
    List<Path> lists = context.inputFiles(SPLIT_LISTS);
    return switch (split.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> lists.isEmpty() ? new Splitter.ByTag(ratio) : fileLists(lists);
      case "tags" -> Splitter.ByTag.strict();
      case "ratio" -> ratio;
      case "files" -> {
        if (lists.isEmpty()) {
          throw new IllegalArgumentException(
              "parameter \"split\" is files but input \""
                  + SPLIT_LISTS
                  + "\" is empty: give one list per split, e.g. train.txt and test.txt");
        }
        yield fileLists(lists);
      }
      default ->
          throw new IllegalArgumentException(
              "parameter \"split\" is \"" + split + "\"; expected auto, tags, ratio or files");
    };
  }

  /** One split per list file, named by the file's stem ({@code train.txt} → {@code train}). */
  private static Splitter fileLists(List<Path> lists) throws IOException {
    Map<String, Path> bySplit = new LinkedHashMap<>();
    for (Path f : lists) {
      String name = f.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String split = Splitter.ByTag.normalize(dot > 0 ? name.substring(0, dot) : name);
      Path before = bySplit.putIfAbsent(split, f);
      if (before != null) {
        throw new IllegalArgumentException(
            "input \""
                + SPLIT_LISTS
                + "\": "
                + before.getFileName()
                + " and "
                + f.getFileName()
                + " both name split \""
                + split
                + "\"");
      }
    }
    return Splitter.ByFileList.read(bySplit);
  }

  /** The parameters only some readers use ({@code polygons}, {@code tag_splits}), when set. */
  static Map<String, String> formatOptions(StepContext context) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String name : List.of("polygons", "tag_splits")) {
      context.parameter(name).ifPresent(v -> m.put(name, v.render()));
    }
    return m;
  }

  private static BoxPolicy boxPolicy(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "clip" -> BoxPolicy.CLIP;
      case "reject" -> BoxPolicy.REJECT;
      default ->
          throw new IllegalArgumentException(
              "parameter \"box_policy\" is \"" + value + "\"; expected clip or reject");
    };
  }

  /** The step's format names ({@code sagemaker}, {@code manifest}) or the reader ids. */
  static LabelFormat format(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "sagemaker" -> LabelFormat.SAGEMAKER_JSON;
      case "manifest" -> LabelFormat.SAGEMAKER_MANIFEST;
      default -> LabelFormat.fromId(value);
    };
  }

  /**
   * The folder the readers see. Readers look for images beside their labels, so when the images
   * come as a separate input, both inputs are linked into one folder tree (labels win a clash).
   */
  private static Path datasetRoot(StepContext context) throws IOException {
    Path labels = context.inputDir("labels");
    if (context.inputFiles("labels").isEmpty()) {
      throw new IllegalArgumentException(
          "input \"labels\" is empty: give the annotations (COCO, SageMaker, VOC, YOLO, folders,"
              + " CSV)");
    }
    List<Path> images = context.inputFiles("images");
    if (images.isEmpty()) {
      return labels;
    }
    Path merged = Files.createTempDirectory("kiln-convert-" + context.executionId() + "-");
    link(context.inputDir("images"), images, merged);
    for (Path f : images) {
      if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
        String rel = context.inputDir("images").relativize(f).toString();
        unpackImages(f, merged.resolve(rel.substring(0, rel.length() - ".zip".length())));
      }
    }
    link(labels, context.inputFiles("labels"), merged);
    return merged;
  }

  private static final java.util.Set<String> IMAGE_EXTENSIONS =
      java.util.Set.of("jpg", "jpeg", "png", "gif", "bmp");

  /**
   * Unpacks the images of a zip given as input {@code images} (the Superb AI seed takes its images
   * as one zip) into the merged tree, which is deleted after the conversion. Entries that would
   * land outside {@code dir} are skipped.
   */
  static void unpackImages(Path zip, Path dir) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
      for (var en = z.entries(); en.hasMoreElements(); ) {
        java.util.zip.ZipEntry e = en.nextElement();
        String name = e.getName().replace('\\', '/');
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        Path dest = base.resolve(name).normalize();
        if (e.isDirectory() || !IMAGE_EXTENSIONS.contains(ext) || !dest.startsWith(base)) {
          continue;
        }
        Files.createDirectories(dest.getParent());
        try (java.io.InputStream in = z.getInputStream(e)) {
          Files.copy(in, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException(
          "input \"images\": " + zip.getFileName() + " is not a readable zip archive ("
              + e.getMessage() + ")");
    }
  }

  private static void link(Path root, List<Path> files, Path target) throws IOException {
    for (Path f : files) {
      Path dest = target.resolve(root.relativize(f).toString());
      Files.createDirectories(dest.getParent());
      Files.deleteIfExists(dest);
      Files.createSymbolicLink(dest, f.toAbsolutePath());
    }
  }

  private static void deleteLinks(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
