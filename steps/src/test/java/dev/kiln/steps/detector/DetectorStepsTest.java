package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.steps.labels.LabeledImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** weights -> train -> detect on a tiny synthetic dataset, through the step functions. */
class DetectorStepsTest {
  @TempDir static Path dir;
  static Path inputs;
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

  @BeforeAll
  static void data() throws IOException {
    inputs = ShapesData.prepare(dir.resolve("data"), 48, 64, 3);
  }

  private static void link(Path from, Path toDir) throws IOException {
    Files.createDirectories(toDir);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, toDir.resolve(f.getFileName()));
      }
    }
  }

  @Test
  void weightsThenTrainThenDetect() throws Exception {
    // a Darknet weights file for shapes-tiny, as the demo makes one
    Path wIn = dir.resolve("w/inputs");
    try (NDManager m = NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny"));
      net.initialize(m, DataType.FLOAT32, net.inputShape(1));
      net.initHeadPriors();
      DarknetWeightsWriter.write(wIn.resolve("weights/shapes-tiny.weights"), net, 0);
    }
    Path wOut = dir.resolve("w/outputs");
    FolderStepContext weights = new FolderStepContext(
        Map.of("cfg", ParamValue.of("shapes-tiny"), "weights_num_classes", ParamValue.of(3)),
        wIn, wOut, QUIET);
    new WeightsFunction().run(weights);
    assertThat(wOut.resolve("model")).isDirectoryContaining("glob:**/detector.params")
        .isDirectoryContaining("glob:**/detector.cfg")
        .isDirectoryContaining("glob:**/detector.json");
    assertThat(weights.lines()).anyMatch(l -> l.startsWith("read shapes-tiny.weights: Darknet 0.2.0"));
    assertThat(weights.lines()).anyMatch(l -> l.contains("1 heads ok"));

    // train from it, a few dozen steps at 64 px
    Path tIn = dir.resolve("t/inputs");
    for (String s : List.of("train", "test", "classes")) {
      link(inputs.resolve(s), tIn.resolve(s));
    }
    link(wOut.resolve("model"), tIn.resolve("model"));
    Path tOut = dir.resolve("t/outputs");
    FolderStepContext train = new FolderStepContext(
        Map.of("batch_size", ParamValue.of(8), "max_steps", ParamValue.of(40),
            "learning_rate", ParamValue.of(0.003), "warmup_steps", ParamValue.of(5),
            "train_steps_per_eval", ParamValue.of(20), "size", ParamValue.of(64)),
        tIn, tOut, QUIET);
    new TrainFunction().run(train);
    List<Map<String, Object>> losses = train.metrics().stream()
        .filter(m -> m.containsKey("loss")).toList();
    assertThat(losses).hasSize(4);
    double first = ((Number) losses.get(0).get("loss")).doubleValue();
    double last = ((Number) losses.get(3).get("loss")).doubleValue();
    assertThat(last).isLessThan(first * 0.7);
    assertThat(losses.get(0)).containsKeys("step", "epoch", "learning_rate", "images_per_sec");
    List<Map<String, Object>> evals = train.metrics().stream()
        .filter(m -> m.containsKey("AP")).toList();
    assertThat(evals).extracting(m -> m.get("step")).containsExactly(20, 40);
    assertThat(evals.get(0)).containsKeys("AP50", "epoch");
    assertThat(train.device()).isEqualTo("cpu");
    Path model = tOut.resolve("model");
    assertThat(Files.readString(model.resolve("classes.txt")))
        .isEqualTo("circle\nsquare\ntriangle\n");
    JsonNode meta = new ObjectMapper().readTree(model.resolve("detector.json").toFile());
    assertThat(meta.path("num_classes").asInt()).isEqualTo(3);
    assertThat(meta.path("best").path("step").asInt()).isIn(20, 40);

    // incremental training: a later train starts from this model and goes on from its loss
    Path iIn = dir.resolve("i/inputs");
    for (String s : List.of("train", "test", "classes")) {
      link(inputs.resolve(s), iIn.resolve(s));
    }
    link(model, iIn.resolve("model"));
    FolderStepContext again = new FolderStepContext(
        Map.of("batch_size", ParamValue.of(8), "max_steps", ParamValue.of(10),
            "initial_learning_rate", ParamValue.of(0.001), "warmup_steps", ParamValue.of(2),
            "train_steps_per_eval", ParamValue.of(10), "size", ParamValue.of(64)),
        iIn, dir.resolve("i/outputs"), QUIET);
    new TrainFunction().run(again);
    assertThat(again.lines())
        .contains("model input: continuing from shapes-tiny with 3 classes, all 32 parameter"
            + " tensors");
    double resumed = again.metrics().stream().filter(m -> m.containsKey("loss")).findFirst()
        .map(m -> ((Number) m.get("loss")).doubleValue()).orElseThrow();
    assertThat(resumed).isLessThan(first * 0.8);
    // initial_learning_rate set the schedule: cosine decay ends at a twentieth of it
    assertThat(((Number) again.metrics().stream().filter(m -> m.containsKey("loss")).findFirst()
        .orElseThrow().get("learning_rate")).doubleValue())
        .isCloseTo(0.00005, org.assertj.core.api.Assertions.within(1e-7));

    // detect on the test shards and on a folder of images
    Path dIn = dir.resolve("d/inputs");
    link(inputs.resolve("classes"), dIn.resolve("classes"));
    link(model, dIn.resolve("model"));
    link(inputs.resolve("test"), dIn.resolve("image"));
    BufferedImage extra = new BufferedImage(80, 50, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(extra, "png", dIn.resolve("image/extra one.png").toFile());
    Path dOut = dir.resolve("d/outputs");
    FolderStepContext detect = new FolderStepContext(
        Map.of("size", ParamValue.of(64), "score_threshold", ParamValue.of(0.001),
            "prelabels", ParamValue.of("both"), "prelabel_score_threshold", ParamValue.of(0.001)),
        dIn, dOut, QUIET);
    new DetectFunction().run(detect);
    List<Path> jsons;
    try (Stream<Path> s = Files.list(dOut.resolve("detections"))) {
      jsons = s.sorted().toList();
    }
    int testImages = TfRecordSamples.read(
        Files.list(inputs.resolve("test")).sorted().toList(), 0, 3).size();
    assertThat(jsons).hasSize(testImages + 1);
    JsonNode one = new ObjectMapper().readTree(dOut.resolve("detections/extra_one.json").toFile());
    assertThat(one.path("key").asText()).isEqualTo("extra one.png");
    int total = 0;
    for (Path j : jsons) {
      JsonNode d = new ObjectMapper().readTree(j.toFile());
      int n = d.path("num_detections").asInt();
      total += n;
      assertThat(n).isBetween(0, 100);
      assertThat(d.path("detection_boxes")).hasSize(n);
      assertThat(d.path("detection_classes")).hasSize(n);
      assertThat(d.path("detection_scores")).hasSize(n);
      for (JsonNode b : d.path("detection_boxes")) {
        assertThat(b).hasSize(4);
        assertThat(b.get(0).asDouble()).isBetween(0.0, b.get(2).asDouble());
        assertThat(b.get(1).asDouble()).isBetween(0.0, b.get(3).asDouble());
        assertThat(b.get(3).asDouble()).isLessThanOrEqualTo(1.0);
      }
      for (JsonNode c : d.path("detection_classes")) {
        assertThat(c.asInt()).isBetween(1, 3);
      }
      String png = j.getFileName().toString().replace(".json", ".png");
      BufferedImage drawn = ImageIO.read(dOut.resolve("drawn").resolve(png).toFile());
      assertThat(drawn).isNotNull();
    }
    assertThat(total).isPositive();
    assertThat(ImageIO.read(dOut.resolve("drawn/extra_one.png").toFile()).getWidth())
        .isEqualTo(80);

    // the pre-labels: COCO results, and a Superb AI export that reads back as the same images
    // and classes once the images are put beside it
    Path pre = dOut.resolve("prelabels");
    JsonNode results = new ObjectMapper().readTree(pre.resolve("coco_results.json").toFile());
    assertThat(results.size()).isPositive().isLessThanOrEqualTo(total);
    List<String> keys = new java.util.ArrayList<>();
    for (Sample sample : TfRecordSamples.read(
        Files.list(inputs.resolve("test")).sorted().toList(), 0, 3)) {
      // named as Suite's image downloads are: the data key with its extension doubled
      String ext = sample.key().substring(sample.key().lastIndexOf('.') + 1);
      Path f = pre.resolve("images").resolve(sample.key() + "." + ext);
      Files.createDirectories(f.getParent());
      ImageIO.write(sample.image(), ext.equals("png") ? "png" : "jpeg", f.toFile());
      keys.add(f.getFileName().toString());
    }
    Files.copy(dIn.resolve("image/extra one.png"), pre.resolve("images/extra one.png"));
    keys.add("extra one.png");
    dev.kiln.steps.labels.ReadResult back = new dev.kiln.steps.labels.SuperbAiReader().read(pre);
    assertThat(back.rejections()).isEmpty();
    assertThat(back.declaredClasses()).containsExactly("circle", "square", "triangle");
    assertThat(back.images().stream().map(LabeledImage::filename))
        .containsExactlyInAnyOrderElementsOf(keys);
    assertThat(back.images().stream().mapToInt(i -> i.boxes().size()).sum())
        .isEqualTo(results.size());
  }

  @Test
  void aWeightsFileOfTheWrongNetworkIsAClearError() throws Exception {
    Path wIn = dir.resolve("bad/inputs");
    Files.createDirectories(wIn.resolve("weights"));
    byte[] file = new byte[20 + 4 * 1000];
    file[4] = 2; // version 0.2: a 64-bit "seen", a 20-byte header
    Files.write(wIn.resolve("weights/yolov3.weights"), file);
    FolderStepContext ctx = new FolderStepContext(
        Map.of("cfg", ParamValue.of("shapes-tiny"), "weights_num_classes", ParamValue.of(80)),
        wIn, dir.resolve("bad/outputs"), QUIET);
    assertThatThrownBy(() -> new WeightsFunction().run(ctx))
        .isInstanceOf(WeightsFormatException.class)
        .hasMessageContaining("the network \"shapes-tiny\" with 80 classes needs 213743 floats"
            + " after the 20-byte header, the file has 1000");
  }

  @Test
  void drawnLabelsCarryClassNames() {
    BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
    BufferedImage out = DetectFunction.draw(
        img, List.of(new Detection(1, 0.9f, 0.2f, 0.2f, 0.8f, 0.8f)), List.of("a", "b"));
    // the box outline is drawn in the class colour on the black image
    assertThat(out.getRGB(20, 50) & 0xffffff).isNotZero();
    assertThat(img.getRGB(20, 50) & 0xffffff).isZero();
    assertThat(DetectFunction.toJson("k", List.of(new Detection(1, 0.9f, 0.1f, 0.2f, 0.3f, 0.4f)))
        .toString())
        .isEqualTo("{\"key\":\"k\",\"num_detections\":1,\"detection_boxes\":[[0.1,0.2,0.3,0.4]],"
            + "\"detection_classes\":[2],\"detection_scores\":[0.9]}");
    assertThat(new String("x".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo("x");
  }
}
