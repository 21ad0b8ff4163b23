package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.steps.detector.FolderStepContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateFunctionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path inputs;
  Path outputs;

  /** Two 200x100 images; a circle on the first, a square and a circle on the second. */
  @BeforeEach
  void groundTruth() throws Exception {
    inputs = dir.resolve("inputs");
    outputs = dir.resolve("outputs");
    write("annotations/_annotations.coco.json",
        """
        {"images": [
           {"id": 7, "file_name": "img-0.jpg", "width": 200, "height": 100},
           {"id": 9, "file_name": "sub/img-1.jpg", "width": 200, "height": 100}],
         "categories": [{"id": 3, "name": "square"}, {"id": 5, "name": "circle"}],
         "annotations": [
           {"id": 1, "image_id": 7, "category_id": 5, "bbox": [20, 10, 40, 20], "area": 800, "iscrowd": 0},
           {"id": 2, "image_id": 9, "category_id": 3, "bbox": [100, 50, 50, 40], "area": 2000, "iscrowd": 0},
           {"id": 3, "image_id": 9, "category_id": 5, "bbox": [0, 0, 20, 20], "area": 400, "iscrowd": 0}]}
        """);
    // classes.txt order differs from the category ids on purpose: classes map by name.
    write("classes/classes.txt", "circle\nsquare\n");
  }

  private void write(String rel, String text) throws Exception {
    Path f = inputs.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  private FolderStepContext run() throws Exception {
    var ctx = new FolderStepContext(Map.of(), inputs, outputs,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    new EvaluateFunction().run(ctx);
    return ctx;
  }

  @Test
  void perfectDetectionsScoreOne() throws Exception {
    // [ymin, xmin, ymax, xmax] normalized: bbox [20,10,40,20] on 200x100 is [0.1, 0.1, 0.3, 0.3]
    write("detections/img-0.json",
        """
        {"key": "img-0.jpg", "num_detections": 1, "detection_boxes": [[0.1, 0.1, 0.3, 0.3]],
         "detection_classes": [1], "detection_scores": [0.9]}
        """);
    write("detections/img-1.json",
        """
        {"key": "img-1.jpg", "num_detections": 2,
         "detection_boxes": [[0.5, 0.5, 0.9, 0.75], [0.0, 0.0, 0.2, 0.1]],
         "detection_classes": [2, 1], "detection_scores": [0.8, 0.7]}
        """);
    FolderStepContext ctx = run();
    assertThat(ctx.metrics()).hasSize(1);
    Map<String, Object> m = ctx.metrics().get(0);
    assertThat(((Number) m.get("AP50")).doubleValue()).isEqualTo(1.0);
    assertThat(((Number) m.get("AP")).doubleValue()).isEqualTo(1.0);
    assertThat(m.get("detections")).isEqualTo(3);
    JsonNode results = JSON.readTree(outputs.resolve("detections.coco.json").toFile());
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("image_id").asLong()).isEqualTo(7);
    assertThat(results.get(0).get("category_id").asLong()).isEqualTo(5);
    assertThat(results.get(0).get("bbox").get(0).asDouble()).isEqualTo(20.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(results.get(0).get("bbox").get(3).asDouble()).isEqualTo(20.0, org.assertj.core.data.Offset.offset(1e-9));
    JsonNode metrics = JSON.readTree(outputs.resolve("metrics.json").toFile());
    assertThat(metrics.toString()).contains("AP50");
  }

  @Test
  void aWrongClassAndAMissedObjectLowerTheScore() throws Exception {
    write("detections/img-0.json",
        """
        {"key": "img-0.jpg", "num_detections": 1, "detection_boxes": [[0.1, 0.1, 0.3, 0.3]],
         "detection_classes": [2], "detection_scores": [0.9]}
        """);
    write("detections/img-1.json",
        """
        {"key": "img-1.jpg", "num_detections": 1, "detection_boxes": [[0.5, 0.5, 0.9, 0.75]],
         "detection_classes": [2], "detection_scores": [0.8]}
        """);
    Map<String, Object> m = run().metrics().get(0);
    // square: 1 of 1 found, but a false positive ranks first -> AP 0.5; circle: 0 of 2 -> 0
    assertThat(((Number) m.get("AP50")).doubleValue()).isBetween(0.2, 0.3);
  }

  @Test
  void aKeyWithoutGroundTruthNamesTheFile() throws Exception {
    write("detections/other.json",
        """
        {"key": "nope.jpg", "num_detections": 0, "detection_boxes": [],
         "detection_classes": [], "detection_scores": []}
        """);
    assertThatThrownBy(this::run)
        .hasMessageContaining("other.json")
        .hasMessageContaining("\"nope.jpg\" names no image of _annotations.coco.json");
  }

  @Test
  void aClassTheGroundTruthLacksIsAnError() throws Exception {
    write("classes/classes.txt", "circle\nsquare\ntriangle\n");
    write("detections/img-0.json",
        """
        {"key": "img-0.jpg", "num_detections": 1, "detection_boxes": [[0.1, 0.1, 0.3, 0.3]],
         "detection_classes": [3], "detection_scores": [0.9]}
        """);
    assertThatThrownBy(this::run).hasMessageContaining("class \"triangle\"");
  }

  @Test
  void malformedDetectionJsonIsLocated() throws Exception {
    write("detections/img-0.json", "{\"key\": \"img-0.jpg\",\n \"detection_boxes\": [}\n");
    assertThatThrownBy(this::run).hasMessageMatching("(?s).*img-0\\.json:2:\\d+: .*");
  }
}
