package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoReaderTest {
  @TempDir Path dir;

  @Test
  void readsBoxesCategoriesAndSizesFromAnnotationOrHeader() throws IOException {
    TestImages.jpeg(dir.resolve("a.jpg"), 40, 30);
    TestImages.png(dir.resolve("images/b.png"), 64, 48);
    TestImages.text(
        dir.resolve("_annotations.coco.json"),
        """
        {
          "categories": [
            {"id": 0, "name": "pets", "supercategory": "none"},
            {"id": 2, "name": "dog", "supercategory": "pets"},
            {"id": 1, "name": "cat", "supercategory": "pets"}
          ],
          "images": [
            {"id": 7, "file_name": "a.jpg", "width": 40, "height": 30},
            {"id": "b", "file_name": "b.png"}
          ],
          "annotations": [
            {"id": 1, "image_id": 7, "category_id": 1, "bbox": [1, 2, 10.5, 20]},
            {"id": 2, "image_id": 7, "category_id": 2, "bbox": [5, 5, 3, 3]},
            {"id": 3, "image_id": "b", "category_id": 9, "bbox": [0, 0, 8, 8]},
            {"id": 4, "image_id": 99, "category_id": 1, "bbox": [0, 0, 8, 8]}
          ]
        }
        """);
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.COCO);
    ReadResult r = new CocoReader().read(dir);

    assertThat(r.declaredClasses()).containsExactly("cat", "dog");
    assertThat(r.images()).hasSize(2);
    LabeledImage a = r.images().get(0);
    assertThat(a.sourceId()).isEqualTo("a.jpg");
    assertThat(a.width()).isEqualTo(40);
    assertThat(a.boxes())
        .containsExactly(
            new BoxAnnotation("cat", 1, 2, 11.5, 22), new BoxAnnotation("dog", 5, 5, 8, 8));
    LabeledImage b = r.images().get(1);
    assertThat(b.sourceId()).isEqualTo("images/b.png");
    assertThat(b.width()).isEqualTo(64);
    assertThat(b.height()).isEqualTo(48);
    assertThat(b.boxes()).containsExactly(new BoxAnnotation("category_id:9", 0, 0, 8, 8));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "_annotations.coco.json#annotations[3]",
                RejectReason.ORPHAN_ANNOTATION,
                "_annotations.coco.json:15:27: annotations[3].image_id: no image with id 99"));
  }

  @Test
  void roboflowSplitFoldersBecomeSplitTags() throws IOException {
    for (String split : List.of("train", "valid", "test")) {
      TestImages.jpeg(dir.resolve(split).resolve(split + ".jpg"), 20, 20);
      TestImages.text(
          dir.resolve(split).resolve(CocoReader.DEFAULT_FILE),
          "{\"categories\":[{\"id\":1,\"name\":\"x\"}],\"images\":[{\"id\":0,\"file_name\":\""
              + split
              + ".jpg\",\"width\":20,\"height\":20}],\"annotations\":[]}");
    }
    ReadResult r = new CocoReader().read(dir);
    assertThat(r.images())
        .extracting(LabeledImage::sourceId)
        .containsExactly("test/test.jpg", "train/train.jpg", "valid/valid.jpg");
    assertThat(r.images())
        .extracting(LabeledImage::splitTag)
        .containsExactly("test", "train", "valid");
    assertThat(r.declaredClasses()).containsExactly("x");
  }

  @Test
  void aBadBboxRejectsThatAnnotationWithFileLineColumnAndPathAndTheRestGoOn() throws IOException {
    TestImages.text(
        dir.resolve("_annotations.coco.json"),
        """
        {
          "categories": [{"id": 1, "name": "cat"}],
          "images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 30}],
          "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3]},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]},
            {"id": 3, "image_id": 1, "category_id": 1}
          ]
        }
        """);
    ReadResult r = new CocoReader().read(dir);

    assertThat(r.images()).hasSize(1);
    assertThat(r.images().get(0).boxes()).containsExactly(new BoxAnnotation("cat", 1, 2, 4, 6));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "_annotations.coco.json#annotations[0]",
                RejectReason.MALFORMED_ANNOTATION,
                "_annotations.coco.json:5:56: annotations[0].bbox: expected [x, y, width, height]"
                    + " (4 numbers), got an array of 3"),
            new Rejection(
                "_annotations.coco.json#annotations[2]",
                RejectReason.MALFORMED_ANNOTATION,
                "_annotations.coco.json:7:5: annotations[2]: missing required field \"bbox\""));
  }

  @Test
  void aCocoFileThatDoesNotParseIsRejectedWithItsLocationAndTheOtherFilesGoOn()
      throws IOException {
    TestImages.text(
        dir.resolve("train/_annotations.coco.json"),
        """
        {
          "categories": [{"id": 1, "name": "cat"}],
          "images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 30}],
          "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}]
        }
        """);
    TestImages.text(
        dir.resolve("valid/_annotations.coco.json"),
        """
        {
          "categories": [{"id": 1, "name": "cat"}],
          "images": [{"id": 1, "file_name": "b.jpg", "wid""");
    ReadResult r = new CocoReader().read(dir);

    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("train/a.jpg");
    assertThat(r.declaredClasses()).containsExactly("cat");
    assertThat(r.rejections()).hasSize(1);
    Rejection bad = r.rejections().get(0);
    assertThat(bad.source()).isEqualTo("valid/_annotations.coco.json");
    assertThat(bad.reason()).isEqualTo(RejectReason.MALFORMED_ANNOTATION);
    assertThat(bad.detail()).startsWith("valid/_annotations.coco.json:3:").contains("invalid JSON");
  }

  @Test
  void aMalformedImageEntryRejectsThatImageWithItsLocationAndTheRestGoOn() throws IOException {
    TestImages.text(
        dir.resolve("_annotations.coco.json"),
        """
        {
          "categories": [{"id": 1, "name": "cat"}],
          "images": [{"id": 1, "file_name": "a.jpg", "width": "forty"},
                     {"id": 2, "width": 4, "height": 3},
                     {"id": 3, "file_name": "c.jpg", "width": 4, "height": 3}],
          "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}]
        }
        """);
    ReadResult r = CocoReader.parse(dir.resolve("_annotations.coco.json"), dir);
    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("c.jpg");
    // the annotation of the rejected image 1 is not reported again as an orphan
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "_annotations.coco.json#images[0]",
                RejectReason.MALFORMED_ANNOTATION,
                "_annotations.coco.json:3:55: images[0].width: expected an integer, got the string"
                    + " \"forty\""),
            new Rejection(
                "_annotations.coco.json#images[1]",
                RejectReason.MALFORMED_ANNOTATION,
                "_annotations.coco.json:4:14: images[1]: missing required field \"file_name\""));
  }

  @Test
  void invalidJsonSyntaxIsLocated() throws IOException {
    TestImages.text(
        dir.resolve("_annotations.coco.json"),
        """
        {
          "categories": [{"id": 1, "name": "cat"}],
          "images": [{"id": 1 "file_name": "a.jpg"}]
        }
        """);
    assertThatThrownBy(() -> CocoReader.parse(dir.resolve("_annotations.coco.json"), dir))
        .isInstanceOf(LabelFormatException.class)
        .hasMessageStartingWith(
            "_annotations.coco.json:3:23: invalid JSON: Unexpected character ('\"'");
  }
}
