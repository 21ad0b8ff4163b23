package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.steps.ConvertLabels;
import dev.kiln.steps.convert.ConvertLabelsFunction;
import dev.kiln.steps.labels.BoxAnnotation;
import dev.kiln.steps.labels.CocoReader;
import dev.kiln.steps.labels.LabeledImage;
import dev.kiln.steps.labels.ReadResult;
import dev.kiln.steps.labels.SuperbAiReader;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's loop: a Suite export -> convert-superbai -> train briefly -> detect with Superb AI
 * pre-labels -> the pre-labels read back by the Superb AI reader: the same images and classes.
 */
class SuperbAiRoundTripTest {
  @TempDir Path dir;
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

  @Test
  void exportConvertTrainDetectAndThePreLabelsReadBack() throws Exception {
    // a Suite export of the synthetic shapes: test-split images tagged "test"
    Path raw = dir.resolve("raw");
    SyntheticDataset.generate(SyntheticDataset.Options.of(24, 64, 7, raw));
    ReadResult coco = new CocoReader().read(raw);
    List<String> classes = coco.declaredClasses();
    Map<String, String> ids = new HashMap<>();
    StringBuilder project =
        new StringBuilder("{\"type\": \"image-siesta\", \"version\": \"0.5.0\","
            + " \"object_detection\": {\"object_classes\": [");
    for (int i = 0; i < classes.size(); i++) {
      String id = UUID.nameUUIDFromBytes(classes.get(i).getBytes(StandardCharsets.UTF_8)).toString();
      ids.put(classes.get(i), id);
      project.append(i == 0 ? "" : ", ").append("{\"id\": \"").append(id).append("\", \"name\": \"")
          .append(classes.get(i)).append("\", \"annotation_type\": \"box\"}");
    }
    project.append("]}}");
    Path cIn = dir.resolve("c/inputs");
    Path images = cIn.resolve("images/shapes");
    Files.createDirectories(images);
    List<String> testImages = new java.util.ArrayList<>();
    try (OutputStream os = Files.newOutputStream(
            Files.createDirectories(cIn.resolve("labels")).resolve("export.zip"));
        ZipOutputStream z = new ZipOutputStream(os)) {
      put(z, "project.json", project.toString());
      int n = 0;
      for (LabeledImage im : coco.images()) {
        String key = im.filename();
        String labelId = "L" + n++;
        boolean test = "test".equals(im.splitTag());
        if (test) {
          testImages.add(key);
        }
        put(z, "meta/shapes/" + key + ".json",
            "{\"dataset\": \"shapes\", \"data_key\": \"" + key + "\", \"label_id\": \"" + labelId
                + "\", \"label_path\": [\"labels/" + labelId + ".json\"], \"tags\": [{\"name\": \""
                + (test ? "test" : "round-1") + "\"}]}");
        StringBuilder objects = new StringBuilder("{\"objects\": [");
        for (int b = 0; b < im.boxes().size(); b++) {
          BoxAnnotation box = im.boxes().get(b);
          objects.append(b == 0 ? "" : ", ").append(String.format(Locale.ROOT,
              "{\"class_id\": \"%s\", \"class_name\": \"%s\", \"annotation_type\": \"box\","
                  + " \"annotation\": {\"coord\": {\"x\": %s, \"y\": %s, \"width\": %s,"
                  + " \"height\": %s}}}",
              ids.get(box.className()), box.className(), box.xmin(), box.ymin(), box.width(),
              box.height()));
        }
        put(z, "labels/" + labelId + ".json", objects.append("]}").toString());
        String ext = key.substring(key.lastIndexOf('.') + 1);
        Files.copy(im.imagePath(), images.resolve(key + "." + ext)); // as Suite names them
      }
    }
    assertThat(testImages).isNotEmpty();

    // convert-superbai
    Map<String, ParamValue> cParams = new HashMap<>();
    for (ParameterSpec p : ConvertLabels.SUPERBAI.parameters()) {
      p.defaultValue().ifPresent(v -> cParams.put(p.name(), v));
    }
    cParams.put("shards", ParamValue.of(1));
    Path cOut = dir.resolve("c/outputs");
    FolderStepContext convert = new FolderStepContext(cParams, cIn, cOut, QUIET);
    new ConvertLabelsFunction().run(convert);
    Map<String, Object> cm = convert.metrics().get(0);
    assertThat(cm.get("rejected")).isEqualTo(0L);
    assertThat(cm.get("records_per_split"))
        .isEqualTo(Map.of("train", (long) (coco.images().size() - testImages.size()),
            "test", (long) testImages.size()));

    // train briefly, then detect on the held-out shards with Superb AI pre-labels
    Path tIn = dir.resolve("t/inputs");
    copy(cOut.resolve("train"), tIn.resolve("train"));
    copy(cOut.resolve("test"), tIn.resolve("test"));
    Files.createDirectories(tIn.resolve("classes"));
    Files.copy(cOut.resolve("classes.txt"), tIn.resolve("classes/classes.txt"));
    Path tOut = dir.resolve("t/outputs");
    new TrainFunction().run(new FolderStepContext(
        Map.of("batch_size", ParamValue.of(8), "max_steps", ParamValue.of(6),
            "warmup_steps", ParamValue.of(2), "train_steps_per_eval", ParamValue.of(6),
            "size", ParamValue.of(64), "cfg", ParamValue.of("shapes-tiny")),
        tIn, tOut, QUIET));
    Path dIn = dir.resolve("d/inputs");
    copy(tOut.resolve("model"), dIn.resolve("model"));
    copy(cOut.resolve("test"), dIn.resolve("image"));
    Files.createDirectories(dIn.resolve("classes"));
    Files.copy(cOut.resolve("classes.txt"), dIn.resolve("classes/classes.txt"));
    Path dOut = dir.resolve("d/outputs");
    new DetectFunction().run(new FolderStepContext(
        Map.of("size", ParamValue.of(64), "score_threshold", ParamValue.of(0.001),
            "prelabels", ParamValue.of("superbai"), "prelabel_score_threshold",
            ParamValue.of(0.0)),
        dIn, dOut, QUIET));

    // the pre-labels, with the images put beside them as for an upload, read back
    Path pre = dOut.resolve("prelabels");
    for (String key : testImages) {
      Files.createDirectories(pre.resolve("images"));
      Files.copy(raw.resolve("test").resolve(key), pre.resolve("images").resolve(key));
    }
    ReadResult back = new SuperbAiReader().read(pre);
    assertThat(back.rejections()).isEmpty();
    assertThat(back.declaredClasses()).isEqualTo(classes);
    assertThat(back.images()).extracting(LabeledImage::filename)
        .containsExactlyInAnyOrderElementsOf(testImages);
    assertThat(back.images().stream().flatMap(i -> i.boxes().stream())
        .map(BoxAnnotation::className)).isSubsetOf(classes);
  }

  private static void put(ZipOutputStream z, String name, String text) throws IOException {
    z.putNextEntry(new ZipEntry(name));
    z.write(text.getBytes(StandardCharsets.UTF_8));
    z.closeEntry();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
