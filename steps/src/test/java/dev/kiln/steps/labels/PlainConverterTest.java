package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.steps.synthetic.SyntheticDataset;
import dev.kiln.steps.tfrecord.Example;
import dev.kiln.steps.tfrecord.ExampleCodec;
import dev.kiln.steps.tfrecord.TfRecordReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlainConverterTest {
  @TempDir Path dir;
  Path data;
  SyntheticDataset.Summary summary;

  @BeforeEach
  void generate() throws IOException {
    data = dir.resolve("data");
    summary = SyntheticDataset.generate(SyntheticDataset.Options.of(60, 64, 5, data));
  }

  private ConversionStats convert(Path out, ConvertOptions.Builder b) throws IOException {
    return PlainConverter.convert(b.setInput(data).setOutputDir(out).build());
  }

  private static List<Example> readShards(Path out, String split) throws IOException {
    List<Example> all = new ArrayList<>();
    try (Stream<Path> s = Files.list(out.resolve(split))) {
      for (Path p :
          s.filter(p -> p.getFileName().toString().startsWith(split + "-")).sorted().toList()) {
        for (byte[] r : TfRecordReader.readAll(p)) {
          all.add(ExampleCodec.decode(r));
        }
      }
    }
    return all;
  }

  @Test
  void convertsTheSyntheticDatasetToValidTfExamples() throws IOException {
    Path out = dir.resolve("out");
    ConversionStats stats = convert(out, ConvertOptions.builder().optShards(2));

    assertThat(stats.format()).isEqualTo("coco");
    assertThat(stats.imagesRead()).isEqualTo(60);
    assertThat(stats.examplesWritten()).isEqualTo(60);
    assertThat(stats.rejected()).isZero();
    assertThat(stats.examplesPerSplit())
        .isEqualTo(
            Map.of(
                "train",
                (long) summary.imagesPerSplit().get("train"),
                "test",
                (long) summary.imagesPerSplit().get("test")));
    assertThat(stats.shardFiles())
        .containsExactly(
            "test/test-00000-of-00002.tfrecord",
            "test/test-00001-of-00002.tfrecord",
            "train/train-00000-of-00002.tfrecord",
            "train/train-00001-of-00002.tfrecord");
    assertThat(Files.readString(out.resolve("classes.txt")))
        .isEqualTo("circle\nsquare\ntriangle\n");
    assertThat(Files.readString(out.resolve("rejected.jsonl"))).isEmpty();
    assertThat(Files.readString(out.resolve("stats.json"))).contains("\"examplesWritten\" : 60");

    Map<String, Long> perClass = new HashMap<>();
    stats
        .objectsPerSplitAndClass()
        .values()
        .forEach(m -> m.forEach((k, v) -> perClass.merge(k, v, Long::sum)));
    Map<String, Long> expected = new HashMap<>();
    summary.objectsPerClass().forEach((k, v) -> expected.put(k, (long) v));
    assertThat(perClass).isEqualTo(expected);

    List<Example> examples = new ArrayList<>(readShards(out, "train"));
    assertThat(examples).hasSize(summary.imagesPerSplit().get("train"));
    examples.addAll(readShards(out, "test"));
    assertThat(examples).hasSize(60);
    long boxes = 0;
    for (Example e : examples) {
      String sourceId = e.bytes(TfExamples.SOURCE_ID).string(0);
      assertThat(e.bytes(TfExamples.ENCODED).get(0))
          .isEqualTo(Files.readAllBytes(data.resolve(sourceId)));
      assertThat(e.bytes(TfExamples.FORMAT).string(0)).isEqualTo("jpeg");
      assertThat(e.int64s(TfExamples.WIDTH).values()).containsExactly(64);
      assertThat(e.int64s(TfExamples.HEIGHT).values()).containsExactly(64);
      long[] labels = e.int64s(TfExamples.OBJECT_LABEL).values();
      float[] xmin = e.floats(TfExamples.XMIN).values();
      float[] xmax = e.floats(TfExamples.XMAX).values();
      float[] ymin = e.floats(TfExamples.YMIN).values();
      float[] ymax = e.floats(TfExamples.YMAX).values();
      assertThat(xmin).hasSameSizeAs(labels);
      for (int i = 0; i < labels.length; i++) {
        assertThat(labels[i]).isBetween(1L, 3L);
        assertThat(e.bytes(TfExamples.OBJECT_TEXT).string(i))
            .isEqualTo(List.of("circle", "square", "triangle").get((int) labels[i] - 1));
        assertThat(xmin[i]).isBetween(0f, 1f).isLessThan(xmax[i]);
        assertThat(ymin[i]).isBetween(0f, 1f).isLessThan(ymax[i]);
        assertThat(xmax[i]).isLessThanOrEqualTo(1f);
        assertThat(ymax[i]).isLessThanOrEqualTo(1f);
      }
      boxes += labels.length;
    }
    assertThat(boxes).isEqualTo(summary.objects());
  }

  @Test
  void outputIsByteForByteDeterministic() throws IOException {
    convert(dir.resolve("a"), ConvertOptions.builder().optShards(3));
    convert(dir.resolve("b"), ConvertOptions.builder().optShards(3));
    for (String name :
        List.of(
            "train/train-00000-of-00003.tfrecord",
            "train/train-00002-of-00003.tfrecord",
            "test/test-00001-of-00003.tfrecord",
            "classes.txt")) {
      assertThat(Files.readAllBytes(dir.resolve("b").resolve(name)))
          .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(name)));
    }
  }

  @Test
  void ratioSplitGivesTheSameSizesEveryRun() throws IOException {
    ConversionStats one =
        convert(
            dir.resolve("a"), ConvertOptions.builder().optSplitter(new Splitter.ByRatio(0.5, 11)));
    ConversionStats two =
        convert(
            dir.resolve("b"), ConvertOptions.builder().optSplitter(new Splitter.ByRatio(0.5, 11)));
    assertThat(one.examplesPerSplit()).isEqualTo(two.examplesPerSplit());
    assertThat(one.examplesPerSplit().get("train") + one.examplesPerSplit().get("test"))
        .isEqualTo(60);
    assertThat(one.examplesPerSplit().get("train")).isBetween(15L, 45L);
  }

  @Test
  void missingImagesAreReportedInRejectedJsonl() throws IOException {
    Path victim;
    try (Stream<Path> s = Files.list(data.resolve("train"))) {
      victim = s.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow();
    }
    Files.delete(victim);
    Path out = dir.resolve("out");
    ConversionStats stats = convert(out, ConvertOptions.builder());
    assertThat(stats.examplesWritten()).isEqualTo(59);
    assertThat(stats.rejectionsByReason()).isEqualTo(Map.of("image-missing", 1L));
    assertThat(Files.readAllLines(out.resolve("rejected.jsonl"), StandardCharsets.UTF_8))
        .containsExactly(
            "{\"source\":\"train/"
                + victim.getFileName()
                + "\",\"reason\":\"image-missing\",\"detail\":\"image file not found: "
                + victim.toAbsolutePath()
                + "\"}");
  }

  @Test
  void clipAndRejectPoliciesEndToEnd() throws IOException {
    Path coco = dir.resolve("coco");
    TestImages.jpeg(coco.resolve("a.jpg"), 40, 20);
    TestImages.text(
        coco.resolve("_annotations.coco.json"),
        "{\"categories\":[{\"id\":1,\"name\":\"cat\"}],\"images\":[{\"id\":1,\"file_name\":\"a.jpg\",\"width\":40,\"height\":20}],"
            + "\"annotations\":[{\"image_id\":1,\"category_id\":1,\"bbox\":[30,10,20,20]},{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,0,5]}]}");
    ConversionStats clipped =
        PlainConverter.convert(
            ConvertOptions.builder()
                .setInput(coco)
                .setOutputDir(dir.resolve("clip"))
                .optSplitter(new Splitter.ByRatio(1, 0))
                .build());
    assertThat(clipped.boxesClipped()).isEqualTo(1);
    assertThat(clipped.rejectionsByReason()).isEqualTo(Map.of("zero-area-box", 1L));
    Example e = readShards(dir.resolve("clip"), "train").get(0);
    assertThat(e.floats(TfExamples.XMIN).values()).containsExactly(0.75f);
    assertThat(e.floats(TfExamples.XMAX).values()).containsExactly(1f);
    assertThat(e.floats(TfExamples.YMAX).values()).containsExactly(1f);
    assertThat(e.int64s(TfExamples.OBJECT_LABEL).values()).containsExactly(1);

    ConversionStats rejected =
        PlainConverter.convert(
            ConvertOptions.builder()
                .setInput(coco)
                .setOutputDir(dir.resolve("reject"))
                .optSplitter(new Splitter.ByRatio(1, 0))
                .optBoxPolicy(BoxPolicy.REJECT)
                .build());
    assertThat(rejected.rejectionsByReason())
        .isEqualTo(Map.of("zero-area-box", 1L, "box-outside-image", 1L));
    assertThat(readShards(dir.resolve("reject"), "train").get(0).floats(TfExamples.XMIN).values())
        .isEmpty();
    assertThat(Files.readString(dir.resolve("reject/rejected.jsonl")))
        .contains(
            "{\"source\":\"a.jpg#box0\",\"reason\":\"box-outside-image\",\"detail\":\"box"
                + " \\\"cat\\\" [30, 10, 50, 30] reaches outside the 40x20 image\"}");
  }

  @Test
  void aSizeThatDisagreesWithTheImageHeaderIsRejected() throws IOException {
    Path coco = dir.resolve("coco");
    TestImages.png(coco.resolve("a.png"), 40, 20);
    TestImages.text(
        coco.resolve("_annotations.coco.json"),
        "{\"categories\":[{\"id\":1,\"name\":\"cat\"}],\"images\":[{\"id\":1,\"file_name\":\"a.png\",\"width\":20,\"height\":40}],\"annotations\":[]}");
    ConversionStats s =
        PlainConverter.convert(
            ConvertOptions.builder().setInput(coco).setOutputDir(dir.resolve("o")).build());
    assertThat(s.examplesWritten()).isZero();
    assertThat(Files.readString(dir.resolve("o/rejected.jsonl")))
        .isEqualTo(
            "{\"source\":\"a.png\",\"reason\":\"size-mismatch\",\"detail\":\"annotation says 20x40"
                + " but the image is 40x20\"}\n");
  }

  @Test
  void anImageListedTwiceIsWrittenOnceAndTheDuplicateReported() throws IOException {
    Path coco = dir.resolve("coco");
    TestImages.jpeg(coco.resolve("a.jpg"), 40, 20);
    TestImages.text(
        coco.resolve("_annotations.coco.json"),
        "{\"categories\":[{\"id\":1,\"name\":\"cat\"}],\"images\":[{\"id\":1,\"file_name\":\"a.jpg\",\"width\":40,\"height\":20},"
            + "{\"id\":2,\"file_name\":\"a.jpg\",\"width\":40,\"height\":20}],\"annotations\":[]}");
    ConversionStats s =
        PlainConverter.convert(
            ConvertOptions.builder().setInput(coco).setOutputDir(dir.resolve("o")).build());
    assertThat(s.examplesWritten()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("o/rejected.jsonl")))
        .isEqualTo(
            "{\"source\":\"a.jpg\",\"reason\":\"duplicate-image\",\"detail\":\"the image is"
                + " annotated more than once; the first entry was kept\"}\n");
  }

  @Test
  void optionsSayWhatIsMissing() {
    assertThatThrownBy(() -> ConvertOptions.builder().setInput(data).build())
        .hasMessage("setOutputDir(..) is required");
  }
}
