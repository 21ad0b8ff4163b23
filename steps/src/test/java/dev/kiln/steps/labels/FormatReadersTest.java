package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatReadersTest {
  @TempDir Path dir;

  // ---- SageMaker per-image JSON ----

  @Test
  void sageMakerJsonChannelsGiveBoxesClassesAndSplitTags() throws IOException {
    TestImages.jpeg(dir.resolve("train/dog1.jpg"), 50, 40);
    TestImages.jpeg(dir.resolve("validation/dog2.jpg"), 60, 30);
    TestImages.text(
        dir.resolve("train_annotation/dog1.json"),
        """
        {"file": "dog1.jpg", "image_size": [{"width": 50, "height": 40, "depth": 3}],
         "annotations": [{"class_id": 1, "left": 10, "top": 5, "width": 20, "height": 15}],
         "categories": [{"class_id": 0, "name": "cat"}, {"class_id": 1, "name": "dog"}]}
        """);
    TestImages.text(
        dir.resolve("validation_annotation/dog2.json"),
        """
        {"file": "dog2.jpg",
         "annotations": [{"class_id": 0, "left": 1, "top": 2, "width": 3, "height": 4}],
         "categories": [{"class_id": 0, "name": "cat"}, {"class_id": 1, "name": "dog"}]}
        """);
    TestImages.text(
        dir.resolve("validation_annotation/bad.json"),
        """
        {"file": "dog3.jpg",
         "annotations": [{"class_id": 0, "top": 2, "width": 3, "height": 4}]}
        """);
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.SAGEMAKER_JSON);
    ReadResult r = new SageMakerJsonReader().read(dir);
    assertThat(r.declaredClasses()).containsExactly("cat", "dog");
    assertThat(r.images())
        .containsExactly(
            LabeledImage.detection(
                "train/dog1.jpg",
                dir.resolve("train/dog1.jpg"),
                50,
                40,
                List.of(new BoxAnnotation("dog", 10, 5, 30, 20)),
                "train"),
            LabeledImage.detection(
                "validation/dog2.jpg",
                dir.resolve("validation/dog2.jpg"),
                60,
                30,
                List.of(new BoxAnnotation("cat", 1, 2, 4, 6)),
                "validation"));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "validation_annotation/bad.json",
                RejectReason.MALFORMED_ANNOTATION,
                "validation_annotation/bad.json:2:18: annotations[0]: missing required field"
                    + " \"left\""));
  }

  // ---- SageMaker augmented manifest ----

  @Test
  void manifestLinesResolveS3ReferencesAndRejectBadLinesWithTheirLineNumber() throws IOException {
    TestImages.jpeg(dir.resolve("images/a.jpg"), 100, 80);
    TestImages.jpeg(dir.resolve("b.jpg"), 10, 10);
    TestImages.text(
        dir.resolve("train.manifest"),
        "{\"source-ref\": \"s3://bucket/images/a.jpg\", \"bb\": {\"image_size\": [{\"width\": 100,"
            + " \"height\": 80, \"depth\": 3}], \"annotations\": [{\"class_id\": 0, \"left\": 10,"
            + " \"top\": 20, \"width\": 30, \"height\": 40}]}, \"bb-metadata\": {\"class-map\":"
            + " {\"0\": \"bird\", \"1\": \"plane\"}, \"type\": \"groundtruth/object-detection\"}}\n"
            + "\n"
            + "{\"source-ref\": \"s3://bucket/b.jpg\", \"bb\": {\"annotations\": [{\"class_id\": 1,"
            + " \"left\": 1, \"top\": \"x\", \"width\": 3, \"height\": 4}]}}\n"
            + "{\"source-ref\": \"s3://bucket/b.jpg\", \"bb\": {\"annotations\": []}}\n");
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.SAGEMAKER_MANIFEST);
    ReadResult r = new SageMakerManifestReader().read(dir);
    assertThat(r.declaredClasses()).containsExactly("bird", "plane");
    assertThat(r.images()).hasSize(2);
    assertThat(r.images().get(0))
        .isEqualTo(
            LabeledImage.detection(
                "images/a.jpg",
                dir.resolve("images/a.jpg"),
                100,
                80,
                List.of(new BoxAnnotation("bird", 10, 20, 40, 60)),
                "train"));
    assertThat(r.images().get(1).sourceId()).isEqualTo("b.jpg");
    assertThat(r.images().get(1).width())
        .isEqualTo(10); // from the header: no image_size on the line
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "train.manifest:3",
                RejectReason.MALFORMED_ANNOTATION,
                "train.manifest:3:94: bb.annotations[0].top: expected a number, got the string"
                    + " \"x\""));
  }

  // ---- Pascal VOC ----

  private static final String VOC =
      """
      <annotation>
        <folder>VOC</folder>
        <filename>%s</filename>
        <size><width>64</width><height>48</height><depth>3</depth></size>
        <object>
          <name>person</name>
          <difficult>0</difficult>
          <bndbox><xmin>%s</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox>
        </object>
      </annotation>
      """;

  @Test
  void vocReadsObjectsAndImageSetSplits() throws IOException {
    TestImages.jpeg(dir.resolve("JPEGImages/0001.jpg"), 64, 48);
    TestImages.jpeg(dir.resolve("JPEGImages/0002.jpg"), 64, 48);
    TestImages.text(dir.resolve("Annotations/0001.xml"), VOC.formatted("0001.jpg", "1"));
    TestImages.text(dir.resolve("Annotations/0002.xml"), VOC.formatted("0002.jpg", "abc"));
    TestImages.text(dir.resolve("ImageSets/Main/train.txt"), "0001\n");
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.PASCAL_VOC);
    ReadResult r = new VocReader().read(dir);
    assertThat(r.images())
        .containsExactly(
            LabeledImage.detection(
                "JPEGImages/0001.jpg",
                dir.resolve("JPEGImages/0001.jpg"),
                64,
                48,
                List.of(new BoxAnnotation("person", 1, 2, 30, 40)),
                "train"));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "Annotations/0002.xml",
                RejectReason.MALFORMED_ANNOTATION,
                "Annotations/0002.xml:8:19: annotation.object[0].bndbox.xmin: expected a number,"
                    + " got \"abc\""));
  }

  @Test
  void vocRefusesExternalEntitiesAndReportsBrokenXml() throws IOException {
    Path secret = TestImages.text(dir.resolve("secret.txt"), "top secret");
    Path xxe =
        TestImages.text(
            dir.resolve("xxe.xml"),
            "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [<!ENTITY x SYSTEM \"file://"
                + secret.toAbsolutePath()
                + "\">]>\n"
                + "<annotation><filename>&x;</filename></annotation>\n");
    assertThatThrownBy(
            () -> VocReader.parse(xxe, dir, java.util.Map.of(), new java.util.ArrayList<>()))
        .isInstanceOf(LabelFormatException.class)
        .hasMessageStartingWith("xxe.xml:")
        .hasMessageNotContaining("top secret");

    Path broken =
        TestImages.text(
            dir.resolve("broken.xml"), "<annotation>\n  <filename>a.jpg</file>\n</annotation>\n");
    assertThatThrownBy(
            () -> VocReader.parse(broken, dir, java.util.Map.of(), new java.util.ArrayList<>()))
        .isInstanceOf(LabelFormatException.class)
        .hasMessageStartingWith("broken.xml:2:")
        .hasMessageContaining("invalid XML: ");
  }

  // ---- YOLO ----

  @Test
  void yoloScalesNormalizedBoxesAndLocatesBadTokens() throws IOException {
    TestImages.text(dir.resolve("classes.txt"), "cat\ndog\n");
    TestImages.jpeg(dir.resolve("train/images/a.jpg"), 200, 100);
    TestImages.text(dir.resolve("train/labels/a.txt"), "1 0.5 0.5 0.2 0.4\n0 0.25 0.25 0.1 0.1\n");
    TestImages.jpeg(dir.resolve("train/images/empty.jpg"), 20, 20);
    TestImages.png(dir.resolve("valid/images/b.png"), 10, 10);
    TestImages.text(dir.resolve("valid/labels/b.txt"), "0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2 zero\n");
    TestImages.text(dir.resolve("valid/labels/orphan.txt"), "0 0.5 0.5 0.2 0.2\n");
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.YOLO);
    ReadResult r = new YoloReader().read(dir);
    assertThat(r.declaredClasses()).containsExactly("cat", "dog");
    assertThat(r.images())
        .containsExactly(
            LabeledImage.detection(
                "train/images/a.jpg",
                dir.resolve("train/images/a.jpg"),
                200,
                100,
                List.of(
                    new BoxAnnotation("dog", 80, 30, 120, 70),
                    new BoxAnnotation("cat", 40, 20, 60, 30)),
                "train"),
            LabeledImage.detection(
                "train/images/empty.jpg",
                dir.resolve("train/images/empty.jpg"),
                20,
                20,
                List.of(),
                "train"));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "valid/images/b.png",
                RejectReason.MALFORMED_ANNOTATION,
                "valid/labels/b.txt:2:15: height: expected a number, got \"zero\""),
            new Rejection(
                "valid/labels/orphan.txt",
                RejectReason.IMAGE_MISSING,
                "label file has no image with the same name"));
  }

  @Test
  void yoloWithoutClassesFileIsAnError() throws IOException {
    TestImages.jpeg(dir.resolve("a.jpg"), 20, 20);
    TestImages.text(dir.resolve("classes.txt"), "cat\n\ndog\n");
    assertThatThrownBy(() -> new YoloReader().read(dir))
        .hasMessage("classes.txt:2:1: blank class name (class id 1)");
  }

  // ---- class folders ----

  @Test
  void classFoldersWithSplitFolders() throws IOException {
    TestImages.png(dir.resolve("train/cat/1.png"), 8, 6);
    TestImages.png(dir.resolve("train/dog/2.png"), 8, 6);
    TestImages.jpeg(dir.resolve("test/dog/3.jpg"), 9, 7);
    TestImages.text(dir.resolve("test/dog/4.jpg"), "not an image");
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.IMAGE_FOLDERS);
    ReadResult r = new ImageFolderReader().read(dir);
    assertThat(r.images())
        .containsExactly(
            LabeledImage.classification(
                "test/dog/3.jpg", dir.resolve("test/dog/3.jpg"), 9, 7, "dog", "test"),
            LabeledImage.classification(
                "train/cat/1.png", dir.resolve("train/cat/1.png"), 8, 6, "cat", "train"),
            LabeledImage.classification(
                "train/dog/2.png", dir.resolve("train/dog/2.png"), 8, 6, "dog", "train"));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "test/dog/4.jpg",
                RejectReason.IMAGE_UNREADABLE,
                "4.jpg: not a JPEG, PNG, GIF or BMP image (unknown header bytes)"));
  }

  // ---- CSV ----

  @Test
  void csvWithSetColumnBoxesAndClassificationRows() throws IOException {
    TestImages.jpeg(dir.resolve("imgs/a.jpg"), 100, 50);
    TestImages.jpeg(dir.resolve("b.jpg"), 30, 30);
    TestImages.text(
        dir.resolve("labels.csv"),
        """
        TRAIN,gs://bucket/imgs/a.jpg,cat,0.1,0.2,0.5,0.6
        TRAIN,gs://bucket/imgs/a.jpg,dog,0.5,0.2,,,0.9,1.0,,
        TEST,b.jpg,cat
        UNASSIGNED,b.jpg,cat,0.1,oops,0.2,0.3
        """);
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.CSV);
    ReadResult r = new CsvReader().read(dir);
    assertThat(r.images())
        .containsExactly(
            new LabeledImage(
                "imgs/a.jpg",
                dir.resolve("imgs/a.jpg").toAbsolutePath().toString(),
                "a.jpg",
                100,
                50,
                List.of(
                    new BoxAnnotation("cat", 10, 10, 50, 30),
                    new BoxAnnotation("dog", 50, 10, 90, 50)),
                null,
                "train"),
            new LabeledImage(
                "b.jpg",
                dir.resolve("b.jpg").toAbsolutePath().toString(),
                "b.jpg",
                30,
                30,
                List.of(),
                "cat",
                "test"));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "labels.csv:4",
                RejectReason.MALFORMED_ANNOTATION,
                "labels.csv:4:26: ymin: expected a normalized coordinate in [0, 1], got \"oops\""));
  }

  @Test
  void csvWithHeaderRow() throws IOException {
    TestImages.jpeg(dir.resolve("a.jpg"), 10, 20);
    TestImages.text(dir.resolve("data.csv"), "path,label\na.jpg,\"big, cat\"\n");
    ReadResult r = new CsvReader().read(dir.resolve("data.csv"));
    assertThat(r.images()).extracting(LabeledImage::imageLabel).containsExactly("big, cat");
    assertThat(r.rejections()).isEmpty();
  }

  // ---- detection ----

  @Test
  void undetectableInputSaysHowToNameTheFormat() throws IOException {
    TestImages.text(dir.resolve("readme.md"), "hi");
    assertThatThrownBy(() -> LabelFormat.detect(dir))
        .isInstanceOf(LabelFormatException.class)
        .hasMessage(
            dir
                + ": cannot detect the label format from 1 files (extensions: md); name it with"
                + " format=coco|sagemaker-json|sagemaker-manifest|voc|yolo|folders|csv|superbai|recordio|lst");
    assertThat(LabelFormat.fromId("VOC")).isEqualTo(LabelFormat.PASCAL_VOC);
    assertThatThrownBy(() -> LabelFormat.fromId("kitti"))
        .hasMessageStartingWith("unknown label format \"kitti\" (known: coco, ");
  }
}
