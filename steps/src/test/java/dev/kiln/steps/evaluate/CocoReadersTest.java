package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on real files: what they accept, and the exact located messages they reject with. */
class CocoReadersTest {
  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private static final String IMAGES_AND_CATEGORIES =
      "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}, {\"id\": 1}],"
          + " \"categories\": [{\"id\": 1, \"name\": \"cat\"}, {\"id\": 2}],";

  @Test
  void readsGroundTruthInAnyKeyOrderSkippingUnknownFields() throws IOException {
    Path gt =
        write(
            "gt.json",
            "{\"info\": {\"year\": 2017}, \"annotations\": [",
            "  {\"segmentation\": [[0, 0, 1, 1]], \"area\": 12.5, \"iscrowd\": true, \"ignore\":"
                + " 1,",
            "   \"image_id\": 1, \"bbox\": [1.5, 2, 3, 4], \"category_id\": 2, \"id\": 9},",
            "  {\"id\": 10, \"image_id\": 3, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"area\":"
                + " 1}",
            " ],",
            " \"images\": [{\"id\": 1}], \"categories\": [{\"id\": 2, \"name\": \"dog\"}, {\"id\":"
                + " 1}]}");
    CocoGroundTruth truth = CocoGroundTruth.read(gt);
    assertThat(truth.imageIds()).containsExactly(1L);
    assertThat(truth.categories())
        .containsExactly(new CocoCategory(2, "dog"), new CocoCategory(1, "1"));
    assertThat(truth.annotations())
        .containsExactly(
            new CocoAnnotation(9, 1, 2, 1.5, 2, 3, 4, 12.5, true),
            new CocoAnnotation(10, 3, 1, 0, 0, 1, 1, 1, false));
    assertThat(truth.warnings())
        .containsExactly(
            "1 annotation(s) refer to an image id that is not in \"images\"; they are not"
                + " evaluated (as in pycocotools)");
  }

  @Test
  void missingAreaIsRejectedWithItsLocation() throws IOException {
    Path gt =
        write(
            "gt.json",
            IMAGES_AND_CATEGORIES,
            " \"annotations\": [",
            "  {\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"area\":"
                + " 1},",
            "  {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}",
            " ]}");
    assertThatThrownBy(() -> CocoGroundTruth.read(gt))
        .isInstanceOf(EvaluationInputException.class)
        .hasMessage(
            gt
                + ":4:3: annotations[1]: missing \"area\" (pycocotools sizes objects by this field,"
                + " not by the box; write width*height if the dataset has no segmentation)");
  }

  @Test
  void shortBboxIsRejectedAtTheArray() throws IOException {
    Path gt =
        write(
            "gt.json",
            IMAGES_AND_CATEGORIES,
            " \"annotations\": [",
            "  {\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1], \"area\": 1}",
            " ]}");
    assertThatThrownBy(() -> CocoGroundTruth.read(gt))
        .hasMessage(
            gt + ":3:54: annotations[0].bbox: expected 4 numbers [x, y, width, height], got 3");
  }

  @Test
  void wrongTypesAreNamed() throws IOException {
    Path gt =
        write(
            "gt.json",
            IMAGES_AND_CATEGORIES,
            " \"annotations\": [",
            "  {\"id\": 1, \"image_id\": 1, \"category_id\": \"1\", \"bbox\": [0, 0, 1, 1]}",
            " ]}");
    assertThatThrownBy(() -> CocoGroundTruth.read(gt))
        .hasMessage(
            gt + ":3:43: annotations[0].category_id: expected an integer, got a string \"1\"");
    Path gt2 = write("gt2.json", "{\"images\": [{\"id\": 1.5}], \"categories\": []}");
    assertThatThrownBy(() -> CocoGroundTruth.read(gt2))
        .hasMessage(gt2 + ":1:20: images[0].id: expected an integer, got the number 1.5");
    Path gt3 = write("gt3.json", "{\"images\": {}, \"categories\": []}");
    assertThatThrownBy(() -> CocoGroundTruth.read(gt3))
        .hasMessage(gt3 + ":1:12: images: expected an array, got an object");
  }

  @Test
  void duplicateAnnotationIdsAreRejected() throws IOException {
    Path gt =
        write(
            "gt.json",
            IMAGES_AND_CATEGORIES,
            " \"annotations\": [",
            "  {\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"area\":"
                + " 1},",
            "  {\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"area\":"
                + " 1}",
            " ]}");
    assertThatThrownBy(() -> CocoGroundTruth.read(gt))
        .hasMessage(
            gt + ":4:10: annotations[1].id: duplicate annotation id 4 (also annotations[0].id)");
  }

  @Test
  void missingImagesOrNotAnObjectIsRejected() throws IOException {
    Path gt = write("gt.json", "{\"annotations\": [], \"categories\": []}");
    assertThatThrownBy(() -> CocoGroundTruth.read(gt))
        .hasMessage(
            gt + ":1:1: $: missing \"images\": the list of images is the set that is evaluated");
    Path list = write("list.json", "[]");
    assertThatThrownBy(() -> CocoGroundTruth.read(list))
        .hasMessage(
            list
                + ":1:1: $: expected a COCO dataset object {\"images\": [...], \"annotations\":"
                + " [...], \"categories\": [...]}, got an array");
  }

  @Test
  void readsDetectionsAndRemembersWhereEachCameFrom() throws IOException {
    Path dt =
        write(
            "dt.json",
            "[",
            " {\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4.5], \"score\": 0.5,"
                + " \"id\": 77, \"area\": 1},",
            " {\"score\": 1, \"bbox\": [0, 0, 1, 1], \"category_id\": 3, \"image_id\": 2}",
            "]");
    CocoDetections dts = CocoDetections.read(dt);
    assertThat(dts.list())
        .containsExactly(
            new CocoDetection(1, 1, 1, 2, 3, 4.5, 0.5), new CocoDetection(2, 3, 0, 0, 1, 1, 1));
    assertThat(dts.locationOf(1)).isEqualTo(dt + ":3:2");
    assertThat(CocoDetections.read(write("empty.json", "[]")).list()).isEmpty();
  }

  @Test
  void badDetectionsAreRejectedWithTheirLocation() throws IOException {
    Path dt =
        write(
            "dt.json",
            "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": \"high\"}]");
    assertThatThrownBy(() -> CocoDetections.read(dt))
        .hasMessage(dt + ":1:67: [0].score: expected a number, got a string \"high\"");

    Path missing = write("missing.json", "[", "  {\"image_id\": 1, \"bbox\": [0, 0, 1, 1]}", "]");
    assertThatThrownBy(() -> CocoDetections.read(missing))
        .hasMessage(
            missing
                + ":2:3: [0]: missing \"category_id\" (a bbox result needs image_id, category_id,"
                + " bbox, score)");

    Path object = write("object.json", "{\"annotations\": []}");
    assertThatThrownBy(() -> CocoDetections.read(object))
        .hasMessage(
            object
                + ":1:1: $: expected a JSON array of results [{\"image_id\", \"category_id\","
                + " \"bbox\", \"score\"}, ...], got an object (pycocotools' loadRes accepts only a"
                + " list; if this is a COCO dataset file, pass its \"annotations\" list with"
                + " scores)");

    Path trailing = write("trailing.json", "[] []");
    assertThatThrownBy(() -> CocoDetections.read(trailing))
        .hasMessage(trailing + ":1:4: $: unexpected content after the end of the top-level value");
  }

  @Test
  void syntaxErrorsAndMissingFilesAreOneLine() throws IOException {
    Path dt = write("dt.json", "[{\"image_id\": 1,, }]");
    assertThatThrownBy(() -> CocoDetections.read(dt))
        .isInstanceOf(EvaluationInputException.class)
        .hasMessageStartingWith(dt + ":1:17: invalid JSON: Unexpected character (',' (code 44))")
        .hasMessageNotContaining("[Source");
    Path nowhere = dir.resolve("nowhere.json");
    assertThatThrownBy(() -> CocoDetections.read(nowhere)).hasMessage(nowhere + ": no such file");
    assertThatThrownBy(() -> CocoGroundTruth.read(dir))
        .hasMessage(dir + ": is a directory, expected a JSON file");
  }

  @Test
  void aDetectionOnAnUnknownImageIsReportedAtItsLine() throws IOException {
    Path gt = write("gt.json", IMAGES_AND_CATEGORIES, " \"annotations\": []}");
    Path dt =
        write(
            "dt.json",
            "[",
            " {\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5},",
            " {\"image_id\": 99, \"category_id\": 5, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}",
            "]");
    CocoGroundTruth truth = CocoGroundTruth.read(gt);
    CocoDetections dts = CocoDetections.read(dt);
    assertThatThrownBy(() -> CocoEvaluator.evaluate(truth, dts))
        .hasMessage(
            dt
                + ":3:2: [1].image_id: image 99 is not in the ground truth's \"images\" (1 images);"
                + " results must belong to the evaluated set, as pycocotools' loadRes requires");
    assertThat(List.of(truth.imageIds().size(), truth.categories().size())).containsExactly(2, 2);
  }
}
