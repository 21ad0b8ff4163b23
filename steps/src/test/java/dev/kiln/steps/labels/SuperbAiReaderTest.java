package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Superb AI Suite exports, written by the tests in each layout Suite has used. */
class SuperbAiReaderTest {
  @TempDir Path dir;

  static final String CAR = "3f2a7c1e-0000-4000-8000-000000000001";
  static final String PERSON = "3f2a7c1e-0000-4000-8000-000000000002";
  static final String ROAD = "3f2a7c1e-0000-4000-8000-000000000003";
  static final String SIGN = "3f2a7c1e-0000-4000-8000-000000000004";

  /** A current (image-siesta, snake_case) project: two box classes around a polygon class. */
  static String siestaProject(String version) {
    return """
        {"type": "image-siesta", "version": "%s", "data_type": "image",
         "categorization": {"properties": []},
         "object_detection": {
           "annotation_types": ["box", "polygon"],
           "object_classes": [
             {"id": "%s", "name": "person", "color": "#FF625A", "annotation_type": "box",
              "properties": []},
             {"id": "%s", "name": "road", "color": "#00FF00", "annotation_type": "polygon",
              "properties": []},
             {"id": "%s", "name": "car", "color": "#0000FF", "annotation_type": "box",
              "properties": []},
             {"id": "%s", "name": "sign", "color": "#FFFF00", "annotation_type": "keypoint",
              "properties": []}],
           "object_groups": []}}
        """
        .formatted(version, PERSON, ROAD, CAR, SIGN);
  }

  static String meta(String dataset, String dataKey, String labelId, String tags, String size) {
    return """
        {"dataset": "%s", "data_key": "%s", "label_id": "%s",
         "label_path": ["labels/%s.json"], "tags": [%s]%s}
        """
        .formatted(
            dataset,
            dataKey,
            labelId,
            labelId,
            tags,
            size == null ? "" : ", \"image_info\": {" + size + "}");
  }

  static String box(String classId, String name, double x, double y, double w, double h) {
    return """
        {"id": "o-%s", "class_id": "%s", "class_name": "%s", "annotation_type": "box",
         "annotation": {"coord": {"x": %s, "y": %s, "width": %s, "height": %s}, "meta": {}},
         "properties": []}"""
        .formatted(name, classId, name, x, y, w, h);
  }

  static String polygon(String classId) {
    return """
        {"id": "o-road", "class_id": "%s", "class_name": "road", "annotation_type": "polygon",
         "annotation": {"multiple": false, "coord": {"points": [
           {"x": 10, "y": 40}, {"x": 50, "y": 35}, {"x": 60, "y": 70}, {"x": 5, "y": 64}]}}}"""
        .formatted(classId);
  }

  /** The current export unpacked in {@code labels/}, images Suite-named in {@code images/}. */
  private Path currentExport(Path root) throws IOException {
    Path ex = root.resolve("export");
    TestImages.text(ex.resolve("project.json"), siestaProject("0.5.2"));
    TestImages.text(
        ex.resolve("meta/street/a.jpg.json"),
        meta("street", "a.jpg", "L1", "{\"name\": \"test\"}, {\"name\": \"night\"}", null));
    TestImages.text(
        ex.resolve("meta/street/b.jpg.json"),
        meta("street", "b.jpg", "L2", "{\"name\": \"Val\"}", "\"width\": 80, \"height\": 60"));
    TestImages.text(ex.resolve("meta/street/c.png.json"), meta("street", "c.png", "L3", "", null));
    TestImages.text(
        ex.resolve("labels/L1.json"),
        "{\"objects\": ["
            + box(CAR, "car", 10, 12, 30, 20)
            + ", "
            + polygon(ROAD)
            + "], \"categories\": {\"properties\": []}}");
    TestImages.text(
        ex.resolve("labels/L2.json"),
        "{\"objects\": [" + box(PERSON, "person", 1.5, 2, 10, 40.25) + "]}");
    TestImages.text(
        ex.resolve("labels/L3.json"),
        "{\"objects\": [{\"id\": \"k\", \"class_id\": \""
            + SIGN
            + "\", \"class_name\": \"sign\", \"annotation_type\": \"keypoint\", \"annotation\":"
            + " {\"coord\": {\"points\": [{\"x\": 1, \"y\": 2, \"state\": {\"visible\": true}}]}}}]}");
    TestImages.jpeg(root.resolve("images/a.jpg.jpg"), 64, 48);
    TestImages.jpeg(root.resolve("images/b.jpg"), 80, 60);
    TestImages.png(root.resolve("images/c.png.png"), 32, 16);
    return ex;
  }

  @Test
  void currentExportGivesBoxClassesInFileOrderTagSplitsAndCountsWhatIsNotABox()
      throws IOException {
    currentExport(dir);
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.SUPERBAI);
    ReadResult r = new SuperbAiReader().read(dir);
    assertThat(r.declaredClasses()).containsExactly("person", "car");
    assertThat(r.images())
        .containsExactly(
            LabeledImage.detection(
                "images/a.jpg.jpg",
                dir.resolve("images/a.jpg.jpg"),
                64,
                48,
                List.of(new BoxAnnotation("car", 10, 12, 40, 32)),
                "test"),
            LabeledImage.detection(
                "images/b.jpg",
                dir.resolve("images/b.jpg"),
                80,
                60,
                List.of(new BoxAnnotation("person", 1.5, 2, 11.5, 42.25)),
                "validation"),
            LabeledImage.detection(
                "images/c.png.png", dir.resolve("images/c.png.png"), 32, 16, List.of(), "train"));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "export/labels/L1.json#objects[1]",
                RejectReason.UNSUPPORTED_SHAPE,
                "a polygon object is not a box; polygons=bbox reads polygons as their bounding"
                    + " boxes"),
            new Rejection(
                "export/labels/L3.json#objects[0]",
                RejectReason.UNSUPPORTED_SHAPE,
                "a keypoint object is not a box; only boxes and polygons are read"));
  }

  @Test
  void polygonsAsBoundingBoxesAddPolygonClassesInFileOrder() throws IOException {
    Path ex = currentExport(dir);
    TestImages.text(
        ex.resolve("labels/L2.json"),
        "{\"objects\": [{\"class_id\": \""
            + ROAD
            + "\", \"class_name\": \"road\", \"annotation_type\": \"polygon\", \"annotation\":"
            + " {\"multiple\": true, \"coord\": {\"points\": [[[{\"x\": 3, \"y\": 4}, {\"x\": 9,"
            + " \"y\": 2}, {\"x\": 7, \"y\": 8}], [{\"x\": 0, \"y\": 0}, {\"x\": 70, \"y\": 50},"
            + " {\"x\": 1, \"y\": 1}]], [[{\"x\": 20, \"y\": 30}, {\"x\": 25, \"y\": 31},"
            + " {\"x\": 22, \"y\": 33}]]]}}}]}");
    ReadResult r =
        new SuperbAiReader(SuperbAiReader.PolygonPolicy.BBOX, SuperbAiReader.DEFAULT_TAG_SPLITS)
            .read(dir);
    assertThat(r.declaredClasses()).containsExactly("person", "road", "car");
    assertThat(r.images().get(0).boxes())
        .containsExactly(
            new BoxAnnotation("car", 10, 12, 40, 32), new BoxAnnotation("road", 5, 35, 60, 70));
    // the hole (second ring of the first face) does not widen the box
    assertThat(r.images().get(1).boxes()).containsExactly(new BoxAnnotation("road", 3, 2, 25, 33));
  }

  @Test
  void camelCaseLabelsOfVersionsBefore040ReadFromAZipWithATopFolder() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("suite-export/project.json", siestaProject("0.3.1"));
    files.put(
        "suite-export/meta/ds one/x.jpg.json",
        meta("ds one", "x.jpg", "L9", "\"test\"", "\"width\": 64, \"height\": 48"));
    files.put(
        "suite-export/labels/L9.json",
        "{\"objects\": [{\"id\": \"1\", \"classId\": \""
            + PERSON
            + "\", \"className\": \"person\", \"annotationType\": \"box\", \"annotation\":"
            + " {\"coord\": {\"x\": 4, \"y\": 5, \"width\": 6, \"height\": 7}}}]}");
    Path zip = zip(dir.resolve("labels/export.zip"), files);
    TestImages.jpeg(dir.resolve("images/ds one/x.jpg.jpg"), 64, 48);
    TestImages.jpeg(dir.resolve("images/other/x.jpg"), 10, 10);

    assertThat(LabelFormat.detect(zip)).isEqualTo(LabelFormat.SUPERBAI);
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.SUPERBAI);
    ReadResult r = new SuperbAiReader().read(dir);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.declaredClasses()).containsExactly("person", "car");
    // two files fold to x.jpg: the one in the dataset's folder is taken
    assertThat(r.images())
        .containsExactly(
            LabeledImage.detection(
                "images/ds one/x.jpg.jpg",
                dir.resolve("images/ds one/x.jpg.jpg"),
                64,
                48,
                List.of(new BoxAnnotation("person", 4, 5, 10, 12)),
                "test"));
  }

  @Test
  void legacyProjectsAndResultObjectsWithShapeBox() throws IOException {
    TestImages.text(
        dir.resolve("project.json"),
        """
        {"groups": [{"name": "vehicles", "info": {"classes": ["truck"]}}],
         "objects": [
           {"class_name": "truck", "class_id": "t-1",
            "info": {"min": 0, "max": 10, "shapes": {"box": {"default_value": {"color": "#f00"}}}}},
           {"class_name": "lane", "class_id": "l-1",
            "info": {"shapes": {"polygon": {}}}},
           {"class_name": "bike", "class_id": "b-1",
            "info": {"shapes": {"box": {}}}}]}
        """);
    TestImages.text(
        dir.resolve("meta/old/p.jpg.json"),
        meta("old", "p.jpg", "L1", "{\"name\": \"train\"}", null));
    TestImages.text(
        dir.resolve("labels/L1.json"),
        """
        {"result": {"objects": [
          {"class": "truck", "shape": {"box": {"x": 1, "y": 2, "width": 3, "height": 4}}},
          {"class": "bike", "shape": {"x": 5, "y": 6, "width": 7, "height": 8, "bbox": true}},
          {"class": "lane", "shape": {"polygon": [{"x": 1, "y": 1}, {"x": 4, "y": 9}]}}]}}
        """);
    TestImages.jpeg(dir.resolve("p.jpg"), 20, 20);
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.SUPERBAI);
    ReadResult r = new SuperbAiReader().read(dir);
    assertThat(r.declaredClasses()).containsExactly("truck", "bike");
    assertThat(r.images()).hasSize(1);
    assertThat(r.images().get(0).boxes())
        .containsExactly(new BoxAnnotation("truck", 1, 2, 4, 6), new BoxAnnotation("bike", 5, 6, 12, 14));
    assertThat(r.images().get(0).splitTag()).isEqualTo("train");
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "labels/L1.json#result.objects[2]",
                RejectReason.UNSUPPORTED_SHAPE,
                "a polygon object is not a box; polygons=bbox reads polygons as their bounding"
                    + " boxes"));
  }

  @Test
  void badRecordsAreRejectedWithTheirFileAndReason() throws IOException {
    Path ex = currentExport(dir);
    TestImages.text(
        ex.resolve("labels/L1.json"),
        "{\"objects\": ["
            + box("9a9a9a9a-dead-4000-8000-00000000beef", "bus", 1, 1, 5, 5)
            + ", "
            + box(CAR, "car", 3, 4, 0, 9)
            + ", "
            + box(PERSON, "person", 3, 4, 5, -2)
            + ", "
            + box(CAR, "car", 2, 2, 8, 8)
            + "]}");
    Files.delete(ex.resolve("labels/L2.json"));
    TestImages.text(ex.resolve("meta/street/d.jpg.json"), meta("street", "d.jpg", "L4", "", null));
    TestImages.text(ex.resolve("labels/L4.json"), "{\"objects\": []}");
    TestImages.text(ex.resolve("meta/street/e.jpg.json"), "{\"dataset\": \"street\"}");

    ReadResult r = new SuperbAiReader().read(dir);
    assertThat(r.images()).extracting(LabeledImage::sourceId)
        .containsExactly("images/a.jpg.jpg", "images/c.png.png");
    assertThat(r.images().get(0).boxes()).containsExactly(new BoxAnnotation("car", 2, 2, 10, 10));
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "export/labels/L1.json#objects[0]",
                RejectReason.UNKNOWN_CLASS,
                "class_id \"9a9a9a9a-dead-4000-8000-00000000beef\" (\"bus\") is not an object class"
                    + " of project.json (classes: person, car)"),
            new Rejection(
                "export/labels/L1.json#objects[1]",
                RejectReason.ZERO_AREA_BOX,
                "box \"car\" x=3, y=4, width=0, height=9 has no area; width and height must be"
                    + " positive"),
            new Rejection(
                "export/labels/L1.json#objects[2]",
                RejectReason.ZERO_AREA_BOX,
                "box \"person\" x=3, y=4, width=5, height=-2 has no area; width and height must be"
                    + " positive"),
            new Rejection(
                "export/meta/street/b.jpg.json",
                RejectReason.MISSING_FILE,
                "label file \"labels/L2.json\" named in export/meta/street/b.jpg.json is not in the"
                    + " export"),
            new Rejection(
                "export/labels/L3.json#objects[0]",
                RejectReason.UNSUPPORTED_SHAPE,
                "a keypoint object is not a box; only boxes and polygons are read"),
            new Rejection(
                "export/meta/street/d.jpg.json",
                RejectReason.IMAGE_MISSING,
                "no image file for data_key \"d.jpg\" (dataset \"street\") beside the export; give"
                    + " the images as input \"images\""),
            new Rejection(
                "export/meta/street/e.jpg.json",
                RejectReason.MALFORMED_ANNOTATION,
                "export/meta/street/e.jpg.json:1:1: missing required field \"data_key\""));
  }

  @Test
  void withoutProjectJsonClassesComeFromTheLabelsAndTheGapIsReported() throws IOException {
    Path ex = currentExport(dir);
    Files.delete(ex.resolve("project.json"));
    assertThat(LabelFormat.detect(dir)).isEqualTo(LabelFormat.SUPERBAI);
    ReadResult r = new SuperbAiReader().read(dir);
    assertThat(r.declaredClasses()).isEmpty();
    assertThat(r.images()).extracting(i -> i.boxes().size()).containsExactly(1, 1, 0);
    assertThat(r.rejections().get(0))
        .isEqualTo(
            new Rejection(
                "export/project.json",
                RejectReason.MISSING_FILE,
                "the export has no project.json: object classes and their ids are unknown;"
                    + " classes are taken from the labels' class names, sorted by name"));
  }

  @Test
  void aMalformedLabelFileRejectsItsImageWithTheLocation() throws IOException {
    Path ex = currentExport(dir);
    TestImages.text(ex.resolve("labels/L2.json"), "{\"objects\": [\n  {\"annotation_type\": }]}");
    ReadResult r = new SuperbAiReader().read(dir);
    assertThat(r.images()).hasSize(2);
    assertThat(r.rejections())
        .filteredOn(j -> j.reason() == RejectReason.MALFORMED_ANNOTATION)
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.source()).isEqualTo("export/labels/L2.json");
              assertThat(j.detail()).startsWith("export/labels/L2.json:2:23: invalid JSON: ");
            });
  }

  @Test
  void aSourceThatIsNoExportFailsSayingWhatWasExpected() throws IOException {
    TestImages.text(dir.resolve("notes.txt"), "hello");
    TestImages.jpeg(dir.resolve("a.jpg"), 8, 8);
    assertThatThrownBy(() -> new SuperbAiReader().read(dir))
        .isInstanceOf(LabelFormatException.class)
        .hasMessage(
            dir
                + ": not a Superb AI Suite export: expected project.json,"
                + " meta/<dataset>/<data_key>.json and labels/<label_id>.json, unpacked or in a"
                + " .zip; found 2 files (extensions: [jpg, txt])");

    Path broken = Files.write(dir.resolve("export.zip"), "PK\u0003\u0004 not really".getBytes());
    assertThatThrownBy(() -> new SuperbAiReader().read(broken))
        .isInstanceOf(LabelFormatException.class)
        .hasMessageStartingWith("export.zip: not a readable zip archive (")
        .hasMessageEndingWith(
            "); expected a Superb AI Suite export: project.json, meta/<dataset>/<data_key>.json"
                + " and labels/<label_id>.json");
  }

  @Test
  void aProjectWithoutMetaFilesOrWithABrokenProjectJsonFails() throws IOException {
    TestImages.text(dir.resolve("project.json"), siestaProject("0.5.0"));
    // project.json alone (a name other tools use too) is not taken for an export
    assertThatThrownBy(() -> LabelFormat.detect(dir))
        .hasMessageContaining("cannot detect the label format from 1 files (extensions: json)");
    Files.createDirectories(dir.resolve("labels"));
    assertThatThrownBy(() -> new SuperbAiReader().read(dir))
        .isInstanceOf(LabelFormatException.class)
        .hasMessage("meta: no meta/<dataset>/<data_key>.json file: the export lists no image");

    TestImages.text(dir.resolve("project.json"), "{\"type\": \"image-siesta\", \"version\": \"0.5.0\"}");
    TestImages.text(dir.resolve("meta/d/a.jpg.json"), meta("d", "a.jpg", "L", "", null));
    assertThatThrownBy(() -> new SuperbAiReader().read(dir))
        .isInstanceOf(LabelFormatException.class)
        .hasMessage("project.json:1:1: missing required field \"object_detection\"");
  }

  @Test
  void theTagMapIsAParameter() throws IOException {
    currentExport(dir);
    Map<String, String> map = SuperbAiReader.parseTagSplits("night = validation, test=test");
    ReadResult r = new SuperbAiReader(SuperbAiReader.PolygonPolicy.SKIP, map).read(dir);
    // a.jpg has tags test and night: the first entry of the map that matches wins
    assertThat(r.images()).extracting(LabeledImage::splitTag)
        .containsExactly("validation", null, null);
    assertThat(new SuperbAiReader().split(List.of("NIGHT", "test"))).isEqualTo("test");
    assertThat(new SuperbAiReader().split(List.of("validation"))).isEqualTo("validation");
    assertThat(new SuperbAiReader().split(List.of())).isEqualTo("train");

    assertThatThrownBy(() -> SuperbAiReader.parseTagSplits("test=test,val"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "parameter \"tag_splits\": entry \"val\" is not TAG=SPLIT; expected e.g."
                + " test=test,val=validation,*=train");
    assertThatThrownBy(() -> SuperbAiReader.PolygonPolicy.parse("fill"))
        .hasMessage("parameter \"polygons\" is \"fill\"; expected skip or bbox");
  }

  @Test
  void convertingCountsEveryRejectionInTheReportAndSplitsByTags() throws IOException {
    currentExport(dir);
    Path out = dir.resolve("../out-" + dir.getFileName());
    ConversionStats stats =
        PlainConverter.convert(
            ConvertOptions.builder()
                .setInput(dir)
                .setOutputDir(out)
                .optFormat(LabelFormat.SUPERBAI)
                .optSplitter(Splitter.ByTag.strict())
                .optFormatOptions(Map.of("polygons", "bbox"))
                .build());
    assertThat(stats.format()).isEqualTo("superbai");
    assertThat(stats.classes()).containsExactly("person", "road", "car");
    assertThat(stats.examplesPerSplit())
        .containsEntry("test", 1L)
        .containsEntry("validation", 1L)
        .containsEntry("train", 1L);
    assertThat(stats.objectsPerSplitAndClass().get("test"))
        .containsEntry("car", 1L)
        .containsEntry("road", 1L);
    assertThat(stats.rejectionsByReason()).containsExactly(Map.entry("unsupported-shape", 1L));
    assertThat(Files.readString(out.resolve("rejected.jsonl"), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"source\":\"export/labels/L3.json#objects[0]\",\"reason\":\"unsupported-shape\","
                + "\"detail\":\"a keypoint object is not a box; only boxes and polygons are"
                + " read\"}\n");
  }

  static Path zip(Path file, Map<String, String> entries) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream os = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(os)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return file;
  }
}
