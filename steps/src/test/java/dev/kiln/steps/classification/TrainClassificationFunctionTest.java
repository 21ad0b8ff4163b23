package dev.kiln.steps.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.steps.detector.FolderStepContext;
import dev.kiln.steps.synthetic.ShapesClassificationDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short CPU training of simple-cnn on generated shapes (5 classes, chance 0.2), then batch
 * inference with the model it wrote, and incremental training from it.
 */
class TrainClassificationFunctionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path data;
  static Path trained;
  static FolderStepContext trainContext;

  private static FolderStepContext context(Map<String, ParamValue> params, Path inputs, Path out) {
    return new FolderStepContext(
        params, inputs, out, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static Map<String, ParamValue> params() {
    Map<String, ParamValue> p = new HashMap<>();
    p.put("architecture", ParamValue.of("simple-cnn"));
    p.put("input_size", ParamValue.of(16L));
    p.put("learning_rate", ParamValue.of(0.005));
    p.put("num_train_epochs", ParamValue.of(6L));
    p.put("save_steps", ParamValue.of(20L));
    p.put("logging_steps", ParamValue.of(5L));
    p.put("per_device_eval_batch_size", ParamValue.of(32L));
    return p;
  }

  private static void copy(Path to, Path from) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  @BeforeAll
  static void train() throws Exception {
    data = dir.resolve("inputs");
    ShapesClassificationDataset.generate(
        new ShapesClassificationDataset.Options(40, 12, 12, 16, 3, data));
    trained = dir.resolve("train-out");
    trainContext = context(params(), data, trained);
    new TrainClassificationFunction().run(trainContext);
  }

  @Test
  void reachesWellAboveChanceOnTheTestSplit() {
    Map<String, Object> last = trainContext.metrics().get(trainContext.metrics().size() - 1);
    assertThat(last).containsEntry("split", "test").containsEntry("test_images", 60);
    assertThat(last).containsKeys("accuracy", "precision", "recall", "f1", "per_class");
    assertThat((Double) last.get("accuracy")).isGreaterThanOrEqualTo(0.6);
    @SuppressWarnings("unchecked")
    Map<String, Object> perClass = (Map<String, Object>) last.get("per_class");
    assertThat(perClass).containsOnlyKeys("circle", "cross", "ring", "square", "triangle");
  }

  @Test
  void logsMetricsEveryLoggingStepsAndValidatesEachCheckpoint() {
    // 200 images / 16 = 13 steps per epoch, 78 steps
    List<Map<String, Object>> train =
        trainContext.metrics().stream().filter(m -> m.containsKey("loss")).toList();
    assertThat(train).extracting(m -> m.get("step"))
        .containsExactly(5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 78);
    assertThat(train.get(0)).containsKeys("accuracy", "precision", "recall", "f1", "learning_rate");
    List<Object> evalSteps =
        trainContext.metrics().stream().filter(m -> m.containsKey("eval_accuracy"))
            .map(m -> m.get("step")).toList();
    // every save_steps (20, 40, 60) and every epoch's end (13, 26, ... 78)
    assertThat(evalSteps).containsExactly(13, 20, 26, 39, 40, 52, 60, 65, 78);
  }

  @Test
  void writesTheModelCheckpointsAndTheConfusionMatrix() throws IOException {
    Path model = trained.resolve("model");
    assertThat(model.resolve(SavedClassifier.PARAMS)).isNotEmptyFile();
    JsonNode info = JSON.readTree(model.resolve(SavedClassifier.INFO).toFile());
    assertThat(info.path("architecture").asText()).isEqualTo("simple-cnn");
    assertThat(info.path("input_size").asInt()).isEqualTo(16);
    assertThat(info.path("trained_by").asText()).isEqualTo("train-classification");
    assertThat(info.path("labels").toString())
        .isEqualTo("[\"circle\",\"cross\",\"ring\",\"square\",\"triangle\"]");
    assertThat(Files.readAllLines(model.resolve("labels.txt"))).hasSize(5);
    try (Stream<Path> s = Files.list(trained.resolve("checkpoints"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("checkpoint-20", "checkpoint-40", "checkpoint-60");
    }
    // the final model is the checkpoint with the best validation accuracy
    double best =
        trainContext.metrics().stream().filter(m -> m.containsKey("eval_accuracy"))
            .mapToDouble(m -> (Double) m.get("eval_accuracy")).max().orElseThrow();
    assertThat(info.path("checkpoint").path("eval_accuracy").asDouble()).isEqualTo(best);
    List<String> cm = Files.readAllLines(trained.resolve("metrics/confusion_matrix.csv"));
    assertThat(cm).hasSize(6);
    assertThat(cm.get(0)).isEqualTo("true\\predicted,circle,cross,ring,square,triangle");
    int total = 0;
    for (String row : cm.subList(1, 6)) {
      String[] cells = row.split(",");
      for (int i = 1; i < cells.length; i++) {
        total += Integer.parseInt(cells[i]);
      }
    }
    assertThat(total).isEqualTo(60);
    assertThat(trained.resolve("metrics/skipped.jsonl")).isEmptyFile();
  }

  @Test
  void classifyWritesEveryLabelRankedByScore() throws Exception {
    Path inputs = dir.resolve("classify-in");
    Files.createDirectories(inputs);
    copy(inputs.resolve("model"), trained.resolve("model"));
    copy(inputs.resolve("images"), data.resolve("test"));
    Files.writeString(inputs.resolve("images/circle/broken.png"), "not an image");
    Path out = dir.resolve("classify-out");
    FolderStepContext c = context(Map.of(), inputs, out);
    new ClassifyFunction().run(c);
    assertThat(c.metrics().get(0)).containsEntry("images", 60).containsEntry("skipped", 1);
    assertThat(c.lines()).contains("skipped images/circle/broken.png: does not decode as PNG or JPEG");
    JsonNode r = JSON.readTree(out.resolve("predictions/circle/0000.png.json").toFile());
    assertThat(r.isArray()).isTrue();
    assertThat(r).hasSize(5);
    double sum = 0;
    double previous = Double.MAX_VALUE;
    for (JsonNode e : r) {
      assertThat(e.fieldNames()).toIterable().containsExactly("score", "label");
      double s = e.path("score").asDouble();
      assertThat(s).isLessThanOrEqualTo(previous);
      previous = s;
      sum += s;
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
    try (Stream<Path> s = Files.walk(out.resolve("predictions"))) {
      assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(60);
    }
  }

  @Test
  void continuesFromAModelInput() throws Exception {
    Path inputs = dir.resolve("again-in");
    Files.createDirectories(inputs);
    for (String split : List.of("train", "validation")) {
      copy(inputs.resolve(split), data.resolve(split));
    }
    copy(inputs.resolve("model"), trained.resolve("model"));
    Map<String, ParamValue> p = params();
    p.put("num_train_epochs", ParamValue.of(1L));
    p.put("architecture", ParamValue.of("resnet18")); // the model input's architecture wins
    FolderStepContext c = context(p, inputs, dir.resolve("again-out"));
    new TrainClassificationFunction().run(c);
    assertThat(c.lines()).contains("model input: continuing simple-cnn with its 5 labels");
    double firstEval =
        c.metrics().stream().filter(m -> m.containsKey("eval_accuracy"))
            .mapToDouble(m -> (Double) m.get("eval_accuracy")).findFirst().orElseThrow();
    assertThat(firstEval).as("starts from the trained model, not from chance").isGreaterThan(0.5);
    assertThat(dir.resolve("again-out/metrics/confusion_matrix.csv")).doesNotExist();
    assertThat(dir.resolve("again-out/metrics/validation/confusion_matrix.csv")).exists();
  }

  @Test
  void outOfRangeParametersAreRefusedBeforeAnyFileIsRead() {
    Map<String, ParamValue> p = params();
    p.put("input_size", ParamValue.of(3L));
    FolderStepContext c = context(p, dir.resolve("nothing-here"), dir.resolve("refused"));
    assertThatThrownBy(() -> new TrainClassificationFunction().run(c))
        .isInstanceOf(ClassificationInputException.class)
        .hasMessage("parameter \"input_size\": 3 is less than the minimum (4)");
    Map<String, ParamValue> q = params();
    q.put("per_device_train_batch_size", ParamValue.of(1L));
    assertThatThrownBy(() -> new TrainClassificationFunction().run(context(q, dir, dir.resolve("r2"))))
        .hasMessage("parameter \"per_device_train_batch_size\": 1 is less than the minimum (2)");
    Map<String, ParamValue> a = params();
    a.put("architecture", ParamValue.of("vgg16"));
    assertThatThrownBy(() -> new TrainClassificationFunction().run(context(a, dir, dir.resolve("r3"))))
        .hasMessageStartingWith("parameter \"architecture\": \"vgg16\" is not one of the choices");
  }

  @Test
  void anEmptyTrainSplitFailsWithAClearMessage() throws IOException {
    Path inputs = dir.resolve("empty-in");
    Files.createDirectories(inputs.resolve("train/cat"));
    assertThatThrownBy(
            () -> new TrainClassificationFunction().run(context(params(), inputs, dir.resolve("e"))))
        .isInstanceOf(ClassificationInputException.class)
        .hasMessage("input \"train\": none of its files is a readable image in a label folder"
            + " (1 skipped; first: train/cat/: label folder holds no PNG or JPEG image)");
  }
}
