package dev.kiln.steps.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.steps.labels.BoxPolicy;
import dev.kiln.steps.labels.ConversionStats;
import dev.kiln.steps.labels.ConvertOptions;
import dev.kiln.steps.labels.PlainConverter;
import dev.kiln.steps.labels.Splitter;
import dev.kiln.steps.synthetic.SyntheticDataset;
import dev.kiln.steps.tfrecord.ShardedTfRecordWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Beam pipeline on the DirectRunner against the plain converter, on real files. */
class BeamConverterTest {
  static final List<String> DIRECT = List.of("--runner=DirectRunner", "--targetParallelism=3");

  @TempDir Path dir;

  /** Every output file, name → bytes, except the timing in stats.json. */
  static Map<String, String> snapshot(Path out) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String name = out.relativize(p).toString();
        if (name.equals(PlainConverter.STATS_FILE)) {
          ObjectNode stats = (ObjectNode) new ObjectMapper().readTree(p.toFile());
          stats.remove("elapsedMillis");
          files.put(name, stats.toString());
        } else {
          byte[] bytes = Files.readAllBytes(p);
          files.put(name, com.google.common.hash.Hashing.sha256().hashBytes(bytes).toString());
        }
      }
    }
    return files;
  }

  static ConvertOptions.Builder options(Path in, Path out) {
    return ConvertOptions.builder().setInput(in).setOutputDir(out);
  }

  static void png(Path file, int w, int h) throws IOException {
    Files.createDirectories(file.getParent());
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
  }

  @Test
  void writesTheSameBytesAsThePlainConverterIncludingRejections() throws IOException {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SyntheticDataset.Options.of(80, 64, 7, data));
    List<Path> jpgs;
    try (Stream<Path> s = Files.list(data.resolve("train"))) {
      jpgs = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    Files.delete(jpgs.get(0)); // image-missing
    Files.delete(jpgs.get(1));
    png(jpgs.get(1), 10, 10); // same name, other size: size-mismatch (read as PNG by header)
    Files.writeString(jpgs.get(2), "not an image at all"); // image-unreadable

    ConversionStats plain =
        PlainConverter.convert(options(data, dir.resolve("plain")).optShards(3).build());
    ConversionStats beam =
        BeamConverter.convert(
            options(data, dir.resolve("beam")).optShards(3).build(), DIRECT, (d, t) -> {});

    assertThat(plain.rejectionsByReason())
        .isEqualTo(Map.of("image-missing", 1L, "size-mismatch", 1L, "image-unreadable", 1L));
    assertThat(beam.examplesWritten()).isEqualTo(77).isEqualTo(plain.examplesWritten());
    assertThat(snapshot(dir.resolve("beam"))).isEqualTo(snapshot(dir.resolve("plain")));
    assertThat(snapshot(dir.resolve("beam")).keySet())
        .contains("train/train-00002-of-00003.tfrecord", "test/test-00000-of-00003.tfrecord")
        .noneMatch(n -> n.startsWith(".") || n.contains("/."));
    assertThat(Files.readAllLines(dir.resolve("beam/rejected.jsonl")))
        .hasSize(3)
        .anyMatch(l -> l.contains("\"reason\":\"image-unreadable\""));
  }

  @Test
  void rejectionsOfEveryStageComeInThePlainConvertersOrder() throws IOException {
    Path coco = dir.resolve("coco");
    png(coco.resolve("a.png"), 40, 20);
    png(coco.resolve("b.png"), 40, 20);
    Files.writeString(
        coco.resolve("_annotations.coco.json"),
        "{\"categories\":[{\"id\":1,\"name\":\"cat\"}],\"images\":["
            + "{\"id\":1,\"file_name\":\"a.png\",\"width\":40,\"height\":20},"
            + "{\"id\":2,\"file_name\":\"gone.png\",\"width\":40,\"height\":20},"
            + "{\"id\":3,\"file_name\":\"a.png\",\"width\":40,\"height\":20},"
            + "{\"id\":4,\"file_name\":\"b.png\",\"width\":40,\"height\":20}],"
            + "\"annotations\":[{\"image_id\":1,\"category_id\":1,\"bbox\":[30,10,20,20]},"
            + "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,0,5]},"
            + "{\"image_id\":2,\"category_id\":1,\"bbox\":[0,0,0,5]},"
            + "{\"image_id\":9,\"category_id\":1,\"bbox\":[1,1,5,5]},"
            + "{\"image_id\":4,\"category_id\":1,\"bbox\":[1,1,5,5]}]}",
        StandardCharsets.UTF_8);
    ConvertOptions.Builder b =
        options(coco, dir.resolve("x"))
            .optSplitter(new Splitter.ByRatio(0.5, 3))
            .optBoxPolicy(BoxPolicy.REJECT)
            .optShards(2);
    PlainConverter.convert(b.setOutputDir(dir.resolve("plain")).build());
    ConversionStats beam =
        BeamConverter.convert(b.setOutputDir(dir.resolve("beam")).build(), DIRECT, (d, t) -> {});

    assertThat(beam.rejectionsByReason())
        .containsEntry("duplicate-image", 1L)
        .containsEntry("image-missing", 1L)
        .containsEntry("box-outside-image", 1L)
        .containsEntry("zero-area-box", 2L);
    assertThat(Files.readString(dir.resolve("beam/rejected.jsonl")))
        .isEqualTo(Files.readString(dir.resolve("plain/rejected.jsonl")));
    assertThat(snapshot(dir.resolve("beam"))).isEqualTo(snapshot(dir.resolve("plain")));
  }

  @Test
  void emptyDatasetWritesEmptyDeclaredShards() throws IOException {
    Path coco = dir.resolve("coco");
    Files.createDirectories(coco);
    Files.writeString(
        coco.resolve("_annotations.coco.json"),
        "{\"categories\":[{\"id\":1,\"name\":\"cat\"}],\"images\":[],\"annotations\":[]}");
    ConversionStats s =
        BeamConverter.convert(
            options(coco, dir.resolve("o"))
                .optSplitter(new Splitter.ByRatio(0.5, 1))
                .optShards(2)
                .build(),
            DIRECT,
            (d, t) -> {});
    assertThat(s.examplesWritten()).isZero();
    assertThat(s.shardFiles()).hasSize(4);
    assertThat(Files.size(dir.resolve("o/train/train-00001-of-00002.tfrecord"))).isZero();
  }

  @Test
  void roundRobinIsRefusedBecauseItDependsOnOrder() {
    assertThatThrownBy(
            () ->
                BeamConverter.convert(
                    options(dir, dir.resolve("o"))
                        .optAssignment(ShardedTfRecordWriter.Assignment.ROUND_ROBIN)
                        .build(),
                    DIRECT,
                    (d, t) -> {}))
        .hasMessageContaining("key hash only");
  }

  @Test
  void theStepReadsItsParametersAndLogsMetrics() throws Exception {
    RecordingContext ctx = new RecordingContext(dir.resolve("exec"), Map.of());
    SyntheticDataset.generate(SyntheticDataset.Options.of(30, 48, 3, ctx.inputDir("labels")));
    ctx.parameters.put("shards", ParamValue.of(2));
    ctx.parameters.put("split", ParamValue.of("ratio"));
    ctx.parameters.put("test_ratio", ParamValue.of(0.5));

    new ConvertLabelsFunction().run(ctx);

    Map<String, ?> m = ctx.metrics.get(0);
    assertThat(m.get("records_written")).isEqualTo(30L);
    assertThat(m.get("shards_written")).isEqualTo(4);
    @SuppressWarnings("unchecked")
    Map<String, Long> perSplit = (Map<String, Long>) m.get("records_per_split");
    assertThat(perSplit.get("train") + perSplit.get("test")).isEqualTo(30L);
    assertThat(perSplit.get("train")).isBetween(5L, 25L);
    assertThat(ctx.progress).isNotEmpty();
    assertThat(ctx.progress.get(ctx.progress.size() - 1)).containsExactly(30, 30);
    assertThat(ctx.lines).contains("convert-labels: Beam arguments --runner=DirectRunner");
    assertThat(Files.readString(ctx.outputDir().resolve("classes.txt")))
        .isEqualTo("circle\nsquare\ntriangle\n");
  }

  @Test
  void fileListsGivenAsAnInputDecideTheSplitAndUnlistedImagesAreRejected() throws Exception {
    RecordingContext ctx = new RecordingContext(dir.resolve("exec"), Map.of());
    SyntheticDataset.generate(
        SyntheticDataset.Options.of(12, 48, 3, ctx.inputDir("labels")).withTestFraction(0));
    Path lists = ctx.inputDir("split_lists");
    Files.createDirectories(lists);
    // stems in one list, file names in the other; img_000010 and img_000011 are in neither
    Files.writeString(
        lists.resolve("train.txt"),
        "# training images\nimg_000000\nimg_000001\nimg_000002\n\nimg_000003\nimg_000004\n"
            + "img_000005\n");
    Files.writeString(
        lists.resolve("testing.txt"),
        "img_000006.jpg\nimg_000007.jpg\nimg_000008.jpg\nimg_000009.jpg\n");
    ctx.parameters.put("shards", ParamValue.of(1));

    new ConvertLabelsFunction().run(ctx);

    Map<String, ?> m = ctx.metrics.get(0);
    assertThat(m.get("records_per_split")).isEqualTo(Map.of("train", 6L, "test", 4L));
    assertThat(m.get("rejected")).isEqualTo(2L);
    assertThat(Files.readAllLines(ctx.outputDir().resolve("rejected.jsonl")))
        .hasSize(2)
        .allMatch(l -> l.contains("img_00001"));
    assertThat(ctx.outputDir().resolve("test/test-00000-of-00001.tfrecord")).isNotEmptyFile();

    ctx.parameters.put("split", ParamValue.of("files"));
    Files.delete(lists.resolve("train.txt"));
    Files.delete(lists.resolve("testing.txt"));
    assertThatThrownBy(() -> new ConvertLabelsFunction().run(ctx))
        .hasMessage(
            "parameter \"split\" is files but input \"split_lists\" is empty: give one list per"
                + " split, e.g. train.txt and test.txt");
  }

  @Test
  void progressIsLoggedWhenItMovesOrEveryTenSecondsWhileItDoesNot() {
    RecordingContext ctx = new RecordingContext(dir.resolve("exec"), Map.of());
    long[] clock = {0};
    BeamConverter.ProgressListener p = ConvertLabelsFunction.progressLog(ctx, () -> clock[0]);
    long s = 1_000_000_000L;
    p.progress(0, 100); // first: logged
    clock[0] = 2 * s;
    p.progress(0, 100); // no change, 2 s: not logged
    clock[0] = 10 * s;
    p.progress(0, 100); // no change, 10 s: logged
    clock[0] = 11 * s;
    p.progress(40, 100); // moved: logged
    p.progress(40, 100); // no change: not logged
    p.progress(100, 100); // done: logged
    p.progress(100, 100); // done again (the converter's final call): not logged twice
    assertThat(ctx.progress.stream().map(a -> a[0] + "/" + a[1]).toList())
        .containsExactly("0/100", "0/100", "40/100", "100/100");
  }

  @Test
  void aDatasetThatGivesNoRecordIsALocatedErrorNotAnEmptySuccess() throws Exception {
    RecordingContext ctx = new RecordingContext(dir.resolve("exec"), Map.of());
    Path labels = Files.createDirectories(ctx.inputDir("labels"));
    Files.writeString(
        labels.resolve("_annotations.coco.json"),
        """
        {"categories": [{"id": 1, "name": "cat"}],
         "images": [{"id": 1, "file_name": "missing.jpg", "width": 4, "height": 3},
                    {"id": 2, "file_name": "../outside.jpg", "width": 4, "height": 3}],
         "annotations": []}
        """);

    assertThatThrownBy(() -> new ConvertLabelsFunction().run(ctx))
        .isInstanceOf(dev.kiln.steps.labels.LabelFormatException.class)
        .hasMessage(
            "input \"labels\": none of the 1 images read could be converted: the dataset gives no"
                + " training data (rejected: image-missing 1, outside-input 1; each one is in"
                + " outputs/rejected.jsonl with its file and reason)");
    assertThat(ctx.metrics.get(0).get("records_written")).isEqualTo(0L);
    assertThat(Files.readAllLines(ctx.outputDir().resolve("rejected.jsonl"))).hasSize(2);

    Files.writeString(
        labels.resolve("_annotations.coco.json"),
        "{\"categories\": [], \"images\": [], \"annotations\": []}");
    assertThatThrownBy(() -> new ConvertLabelsFunction().run(ctx))
        .hasMessage(
            "input \"labels\": no image was found: the dataset gives no training data");
  }

  @Test
  void imagesGivenAsASeparateInputAreFound() throws Exception {
    RecordingContext ctx = new RecordingContext(dir.resolve("exec"), Map.of());
    Path gen = dir.resolve("gen");
    SyntheticDataset.generate(SyntheticDataset.Options.of(10, 48, 3, gen).withTestFraction(0));
    Path labels = ctx.inputDir("labels").resolve("train");
    Files.createDirectories(labels);
    Files.move(
        gen.resolve("train/_annotations.coco.json"), labels.resolve("_annotations.coco.json"));
    Files.createDirectories(ctx.inputDir("images"));
    Files.move(gen.resolve("train"), ctx.inputDir("images").resolve("train"));

    new ConvertLabelsFunction().run(ctx);

    assertThat(ctx.metrics.get(0).get("records_written")).isEqualTo(10L);
    assertThat(ctx.metrics.get(0).get("rejected")).isEqualTo(0L);
  }

  @Test
  void badBeamArgumentsNameTheArguments() {
    RecordingContext ctx =
        new RecordingContext(dir.resolve("exec"), Map.of("beam.args", "--runner=NoSuchRunner"));
    assertThatThrownBy(
            () -> {
              SyntheticDataset.generate(
                  SyntheticDataset.Options.of(2, 48, 3, ctx.inputDir("labels")));
              new ConvertLabelsFunction().run(ctx);
            })
        .hasMessageContaining("bad Beam pipeline arguments [--runner=NoSuchRunner]");
  }

  @Test
  void anInterruptedConversionStopsAndLeavesNoWorkFolder() throws Exception {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SyntheticDataset.Options.of(20, 48, 7, data));
    Path out = dir.resolve("o");
    Thread current = Thread.currentThread();
    assertThatThrownBy(
            () ->
                BeamConverter.convert(
                    options(data, out).build(), DIRECT, (d, t) -> current.interrupt(), 1))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("convert-labels was interrupted");
    assertThat(Thread.interrupted()).isTrue();
    try (Stream<Path> s = Files.walk(out)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".kiln-convert-") || n.endsWith(".inprogress"));
    }
  }

  @Test
  void aCancelMarkerStopsTheWorkers() throws IOException {
    WorkFolder f = WorkFolder.create(dir);
    new WorkFolder.CancelCheck(f).check();
    f.requestCancel();
    assertThatThrownBy(new WorkFolder.CancelCheck(f)::check)
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("convert-labels was cancelled");
    f.writeProgress("w1", 5);
    f.writeProgress("w2", 7);
    f.writeProgress("w1", 6);
    assertThat(f.progress()).isEqualTo(13);
    f.delete();
    assertThat(f.dir()).doesNotExist();
  }
}
