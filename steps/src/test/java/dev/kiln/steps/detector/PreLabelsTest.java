package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.steps.labels.BoxAnnotation;
import dev.kiln.steps.labels.LabelFormat;
import dev.kiln.steps.labels.LabeledImage;
import dev.kiln.steps.labels.ReadResult;
import dev.kiln.steps.labels.SuperbAiReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictions as pre-labels, and the Superb AI ones read back by the Superb AI reader. */
class PreLabelsTest {
  @TempDir Path dir;
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> CLASSES = List.of("circle", "square", "triangle");

  static List<PreLabels.ImagePredictions> predictions() {
    return List.of(
        new PreLabels.ImagePredictions(
            "a.png",
            200,
            100,
            List.of(
                new Detection(1, 0.9f, 0.1f, 0.25f, 0.5f, 0.75f),
                new Detection(0, 0.3f, 0.0f, 0.0f, 0.2f, 0.2f),
                new Detection(2, 0.6f, 0.5f, 0.5f, 1.2f, 1.0f))),
        new PreLabels.ImagePredictions(
            "dir/b.jpg", 50, 40, List.of(new Detection(0, 0.5f, 0.25f, 0.2f, 0.75f, 0.6f))),
        new PreLabels.ImagePredictions("c.png", 10, 10, List.of()));
  }

  @Test
  void cocoResultsArePixelBoxesWithImagesAndCategoriesBeside() throws Exception {
    PreLabels.write(dir, PreLabels.Kind.COCO, predictions(), CLASSES, null, 0.5f);
    assertThat(JSON.readTree(dir.resolve("coco_results.json").toFile()))
        .isEqualTo(
            JSON.readTree(
                """
                [{"image_id": 1, "category_id": 2, "bbox": [50.0, 10.0, 100.0, 40.0],
                  "score": 0.9},
                 {"image_id": 1, "category_id": 3, "bbox": [100.0, 50.0, 100.0, 50.0],
                  "score": 0.6},
                 {"image_id": 2, "category_id": 1, "bbox": [10.0, 10.0, 20.0, 20.0],
                  "score": 0.5}]
                """));
    assertThat(JSON.readTree(dir.resolve("coco_images.json").toFile()))
        .isEqualTo(
            JSON.readTree(
                """
                {"images": [{"id": 1, "file_name": "a.png", "width": 200, "height": 100},
                            {"id": 2, "file_name": "dir/b.jpg", "width": 50, "height": 40},
                            {"id": 3, "file_name": "c.png", "width": 10, "height": 10}],
                 "categories": [{"id": 1, "name": "circle"}, {"id": 2, "name": "square"},
                                {"id": 3, "name": "triangle"}]}
                """));
    assertThat(dir.resolve("superbai")).doesNotExist();
  }

  @Test
  void superbAiLabelsUseTheProjectsClassIdsAndReadBackAsTheSameImagesAndClasses()
      throws Exception {
    JsonNode project =
        JSON.readTree(
            """
            {"type": "image-siesta", "version": "0.5.0", "object_detection": {"object_classes": [
              {"id": "c1c1c1c1-0000-4000-8000-000000000001", "name": "circle",
               "annotation_type": "box"},
              {"id": "c1c1c1c1-0000-4000-8000-000000000002", "name": "square",
               "annotation_type": "box"},
              {"id": "c1c1c1c1-0000-4000-8000-000000000003", "name": "triangle",
               "annotation_type": "box"}]}}
            """);
    Path out = dir.resolve("prelabels");
    PreLabels.write(out, PreLabels.Kind.SUPERBAI, predictions(), CLASSES, project, 0.5f);
    Path labels = Files.list(out.resolve("superbai/labels")).sorted().toList().get(0);
    JsonNode first = JSON.readTree(labels.toFile()).path("objects").get(0);
    assertThat(first.path("annotation_type").asText()).isEqualTo("box");
    assertThat(first.path("class_id").asText()).startsWith("c1c1c1c1-");
    assertThat(first.has("class_name")).isTrue();
    assertThat(first.path("annotation").path("coord").fieldNames())
        .toIterable()
        .containsExactly("x", "y", "width", "height");

    // the images the pre-labels are for, beside the export, as for an upload
    for (PreLabels.ImagePredictions im : predictions()) {
      Path f = out.resolve("images").resolve(im.key());
      Files.createDirectories(f.getParent());
      String ext = im.key().endsWith(".png") ? "png" : "jpeg";
      ImageIO.write(new BufferedImage(im.width(), im.height(), BufferedImage.TYPE_INT_RGB), ext,
          f.toFile());
    }
    assertThat(LabelFormat.detect(out)).isEqualTo(LabelFormat.SUPERBAI);
    ReadResult r = new SuperbAiReader().read(out);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.declaredClasses()).isEqualTo(CLASSES);
    assertThat(r.images())
        .extracting(LabeledImage::filename)
        .containsExactlyInAnyOrder("a.png", "b.jpg", "c.png");
    LabeledImage a =
        r.images().stream().filter(i -> i.filename().equals("a.png")).findFirst().orElseThrow();
    assertThat(a.boxes())
        .containsExactly(
            new BoxAnnotation("square", 50, 10, 150, 50),
            new BoxAnnotation("triangle", 100, 50, 200, 100));
  }

  @Test
  void withoutAProjectTheClassIdsAreStableAndTheProjectIsWritten() throws Exception {
    PreLabels.write(dir.resolve("one"), PreLabels.Kind.BOTH, predictions(), CLASSES, null, 0.0f);
    PreLabels.write(dir.resolve("two"), PreLabels.Kind.BOTH, predictions(), CLASSES, null, 0.0f);
    JsonNode p1 = JSON.readTree(dir.resolve("one/superbai/project.json").toFile());
    JsonNode p2 = JSON.readTree(dir.resolve("two/superbai/project.json").toFile());
    assertThat(p1).isEqualTo(p2);
    assertThat(p1.path("object_detection").path("object_classes"))
        .extracting(c -> c.path("name").asText() + ":" + c.path("annotation_type").asText())
        .containsExactly("circle:box", "square:box", "triangle:box");
    assertThat(JSON.readTree(dir.resolve("one/coco_results.json").toFile())).hasSize(4);

    assertThatThrownBy(
            () ->
                PreLabels.classIds(
                    CLASSES,
                    JSON.readTree(
                        "{\"object_detection\": {\"object_classes\": [{\"id\": \"x\", \"name\":"
                            + " \"circle\"}]}}")))
        .hasMessage(
            "input \"project\": project.json has no object class named \"square\", \"triangle\""
                + " (classes.txt lists circle, square, triangle)");
    assertThatThrownBy(() -> PreLabels.Kind.parse("yolo"))
        .hasMessage(
            "parameter \"prelabels\" is \"yolo\"; expected none, coco, superbai or both");
  }
}
