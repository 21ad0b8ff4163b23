package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 4 of issue 12: an image reference that leads outside the input folders (an absolute
 * path, {@code ../}, a symbolic link pointing out) is rejected, naming the file, and never read.
 */
class OutsideInputTest {
  @TempDir Path base;
  Path data;
  Path outside;

  @BeforeEach
  void layout() throws IOException {
    data = Files.createDirectories(base.resolve("data"));
    outside = TestImages.jpeg(base.resolve("outside.jpg"), 50, 20);
    TestImages.jpeg(data.resolve("ok.jpg"), 40, 30);
    Files.createSymbolicLink(data.resolve("link.jpg"), outside);
  }

  @Test
  void cocoFileNamesOutsideTheInputAreRejectedAndNeverConverted() throws IOException {
    String abs = outside.toAbsolutePath().toString();
    TestImages.text(
        data.resolve("_annotations.coco.json"),
        """
        {
          "categories": [{"id": 1, "name": "cat"}],
          "images": [
            {"id": 1, "file_name": "ok.jpg", "width": 40, "height": 30},
            {"id": 2, "file_name": "../outside.jpg", "width": 50, "height": 20},
            {"id": 3, "file_name": "%s", "width": 50, "height": 20},
            {"id": 4, "file_name": "link.jpg", "width": 50, "height": 20}
          ],
          "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]},
            {"id": 2, "image_id": 2, "category_id": 1, "bbox": [1, 1, 5, 5]},
            {"id": 3, "image_id": 3, "category_id": 1, "bbox": [1, 1, 5, 5]},
            {"id": 4, "image_id": 4, "category_id": 1, "bbox": [1, 1, 5, 5]}
          ]
        }
        """
            .formatted(abs));
    ReadResult r = new CocoReader().read(data);

    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("ok.jpg");
    assertThat(r.rejections()).extracting(Rejection::reason).containsOnly(RejectReason.OUTSIDE_INPUT);
    assertThat(r.rejections())
        .extracting(Rejection::source)
        .containsExactly(
            "_annotations.coco.json#images[1]",
            "_annotations.coco.json#images[2]",
            "_annotations.coco.json#images[3]");
    assertThat(r.rejections().get(0).detail()).contains("\"../outside.jpg\"", "outside the input");
    assertThat(r.rejections().get(1).detail()).contains("\"" + abs + "\"", "outside the input");
    assertThat(r.rejections().get(2).detail())
        .contains("\"link.jpg\"", "links to " + outside.toRealPath());

    assertConvertedWithoutTheOutsideFile(3);
  }

  @Test
  void vocFileNamesOutsideTheInputAreRejectedAndNeverConverted() throws IOException {
    String abs = outside.toAbsolutePath().toString();
    int i = 0;
    for (String name : List.of("ok.jpg", "../outside.jpg", abs, "link.jpg")) {
      TestImages.text(data.resolve("Annotations/" + (i++) + ".xml"), voc(name));
    }
    ReadResult r = new VocReader().read(data);

    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("ok.jpg");
    assertThat(r.rejections()).extracting(Rejection::reason).containsOnly(RejectReason.OUTSIDE_INPUT);
    assertThat(r.rejections())
        .extracting(Rejection::source)
        .containsExactly("Annotations/1.xml", "Annotations/2.xml", "Annotations/3.xml");
    assertThat(r.rejections().get(0).detail()).contains("\"../outside.jpg\"");
    assertThat(r.rejections().get(1).detail()).contains("\"" + abs + "\"");
    assertThat(r.rejections().get(2).detail()).contains("\"link.jpg\"", "links to ");

    assertConvertedWithoutTheOutsideFile(3);
  }

  @Test
  void yoloAndClassFolderImagesLinkedFromOutsideAreRejected() throws IOException {
    Path yolo = Files.createDirectories(base.resolve("yolo"));
    TestImages.text(yolo.resolve("classes.txt"), "cat\n");
    TestImages.jpeg(yolo.resolve("images/a.jpg"), 40, 30);
    TestImages.text(yolo.resolve("labels/a.txt"), "0 0.5 0.5 0.2 0.2\n");
    Files.createSymbolicLink(yolo.resolve("images/b.jpg"), outside);
    ReadResult r = new YoloReader().read(yolo);
    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("images/a.jpg");
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "images/b.jpg",
                RejectReason.OUTSIDE_INPUT,
                "image \"images/b.jpg\" links to "
                    + outside.toRealPath()
                    + ", outside the input folders "
                    + List.of(yolo.toRealPath())
                    + "; it was not read"));

    Path folders = Files.createDirectories(base.resolve("folders/cat"));
    TestImages.jpeg(folders.resolve("a.jpg"), 40, 30);
    Files.createSymbolicLink(folders.resolve("b.jpg"), outside);
    ReadResult f = new ImageFolderReader().read(folders.getParent());
    assertThat(f.images()).extracting(LabeledImage::sourceId).containsExactly("cat/a.jpg");
    assertThat(f.rejections()).extracting(Rejection::reason).containsExactly(RejectReason.OUTSIDE_INPUT);
  }

  @Test
  void annotationFilesLinkedFromOutsideAreRejectedAndNotRead() throws IOException {
    Path foreign =
        TestImages.text(
            base.resolve("foreign.coco.json"),
            """
            {"categories": [{"id": 1, "name": "secret"}],
             "images": [{"id": 1, "file_name": "ok.jpg", "width": 40, "height": 30}],
             "annotations": []}
            """);
    Files.createDirectories(data.resolve("train"));
    Files.createSymbolicLink(data.resolve("train/_annotations.coco.json"), foreign);
    TestImages.text(
        data.resolve("_annotations.coco.json"),
        """
        {"categories": [{"id": 1, "name": "cat"}],
         "images": [{"id": 1, "file_name": "ok.jpg", "width": 40, "height": 30}],
         "annotations": []}
        """);
    ReadResult r = new CocoReader().read(data);
    assertThat(r.declaredClasses()).containsExactly("cat");
    assertThat(r.rejections()).hasSize(1);
    assertThat(r.rejections().get(0).source()).isEqualTo("train/_annotations.coco.json");
    assertThat(r.rejections().get(0).reason()).isEqualTo(RejectReason.OUTSIDE_INPUT);
    assertThat(r.rejections().get(0).detail())
        .contains("annotation file", "links to " + foreign.toRealPath());

    Path yolo = Files.createDirectories(base.resolve("yolo2"));
    Files.createSymbolicLink(
        yolo.resolve("classes.txt"), TestImages.text(base.resolve("names.txt"), "x\n"));
    assertThatThrownBy(() -> new YoloReader().read(yolo))
        .isInstanceOf(LabelFormatException.class)
        .hasMessageStartingWith("classes.txt: the class list links to ");
  }

  @Test
  void linksIntoAFurtherInputFolderAreFollowed() throws IOException {
    // The step links separate "images" and "labels" inputs into one tree; those inputs are allowed.
    Path images = Files.createDirectories(base.resolve("images"));
    Path real = TestImages.jpeg(images.resolve("far.jpg"), 40, 30);
    Files.createSymbolicLink(data.resolve("far.jpg"), real);
    TestImages.text(data.resolve("Annotations/0.xml"), voc("far.jpg"));
    InputScope scope = InputScope.of(data, List.of(images));
    ReadResult r = new VocReader().read(data, scope);
    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("far.jpg");
    assertThat(r.rejections()).isEmpty();
    assertThat(new VocReader().read(data).rejections())
        .extracting(Rejection::reason)
        .containsExactly(RejectReason.OUTSIDE_INPUT);
  }

  private void assertConvertedWithoutTheOutsideFile(int outsideRejections) throws IOException {
    Path out = base.resolve("out");
    ConversionStats stats =
        PlainConverter.convert(ConvertOptions.builder().setInput(data).setOutputDir(out).build());
    String rejected = Files.readString(out.resolve(PlainConverter.REJECTED_FILE));
    assertThat(rejected.lines().filter(l -> l.contains("\"outside-input\"")).count())
        .isEqualTo(outsideRejections);
    byte[] okBytes = Files.readAllBytes(data.resolve("ok.jpg"));
    byte[] outsideBytes = Files.readAllBytes(outside);
    List<byte[]> shards = new ArrayList<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        shards.add(Files.readAllBytes(p));
      }
    }
    assertThat(shards.stream().anyMatch(b -> contains(b, okBytes))).isTrue();
    assertThat(shards.stream().noneMatch(b -> contains(b, outsideBytes))).isTrue();
    assertThat(stats).isNotNull();
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static String voc(String filename) {
    return """
        <annotation>
          <filename>%s</filename>
          <size><width>40</width><height>30</height></size>
          <object><name>cat</name>
            <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>
          </object>
        </annotation>
        """
        .formatted(filename);
  }
}
