package dev.kiln.steps.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.steps.ConvertLabels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code convert-superbai} preset as the seed pipeline runs it: the zipped Suite export as
 * input {@code labels}, the Suite-named images ({@code a.jpg.jpg}) as input {@code images}.
 */
class ConvertSuperbaiStepTest {
  @TempDir Path dir;

  private static final String CAT = "11111111-1111-4111-8111-111111111111";
  private static final String DOG = "22222222-2222-4222-8222-222222222222";

  @Test
  void aZippedExportWithSeparateImagesIsSplitByItsTags() throws Exception {
    run(false);
  }

  @Test
  void theImagesMayComeAsAZipToo() throws Exception {
    run(true);
  }

  @Test
  void unpackingKeepsImageEntriesInsideTheirFolder() throws Exception {
    Path zip = dir.resolve("in.zip");
    try (OutputStream os = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(os)) {
      put(z, "a/b.jpg", "jpeg bytes");
      put(z, "a/notes.txt", "skipped");
      put(z, "../evil.jpg", "skipped");
    }
    Path into = dir.resolve("out/in");
    ConvertLabelsFunction.unpackImages(zip, into);
    assertThat(Files.readString(into.resolve("a/b.jpg"))).isEqualTo("jpeg bytes");
    assertThat(into.resolve("a/notes.txt")).doesNotExist();
    assertThat(dir.resolve("out/evil.jpg")).doesNotExist();
  }

  private void run(boolean zippedImages) throws Exception {
    RecordingContext ctx = new RecordingContext(dir.resolve("exec"), Map.of());
    for (ParameterSpec p : ConvertLabels.SUPERBAI.parameters()) {
      p.defaultValue().ifPresent(v -> ctx.parameters.put(p.name(), v));
    }
    StringBuilder project =
        new StringBuilder(
            "{\"type\": \"image-siesta\", \"version\": \"0.6.0\", \"object_detection\":"
                + " {\"object_classes\": [{\"id\": \"" + DOG + "\", \"name\": \"dog\","
                + " \"annotation_type\": \"box\"}, {\"id\": \"" + CAT + "\", \"name\": \"cat\","
                + " \"annotation_type\": \"box\"}]}}");
    Path zip = ctx.inputDir("labels").resolve("export.zip");
    Files.createDirectories(zip.getParent());
    try (OutputStream os = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(os)) {
      put(z, "project.json", project.toString());
      for (int i = 0; i < 6; i++) {
        String key = "img" + i + ".jpg";
        String tags = i < 2 ? "[{\"name\": \"test\"}]" : "[{\"name\": \"batch-1\"}]";
        put(z, "meta/pets/" + key + ".json",
            "{\"dataset\": \"pets\", \"data_key\": \"" + key + "\", \"label_id\": \"L" + i
                + "\", \"label_path\": [\"labels/L" + i + ".json\"], \"tags\": " + tags + "}");
        String cls = i % 2 == 0 ? CAT : DOG;
        put(z, "labels/L" + i + ".json",
            "{\"objects\": [{\"class_id\": \"" + cls + "\", \"annotation_type\": \"box\","
                + " \"annotation\": {\"coord\": {\"x\": 2, \"y\": 3, \"width\": 10,"
                + " \"height\": 12}}}, {\"class_id\": \"" + cls + "\", \"annotation_type\":"
                + " \"polygon\", \"annotation\": {\"coord\": {\"points\": [{\"x\": 1, \"y\": 1},"
                + " {\"x\": 5, \"y\": 9}]}}}]}");
        Path img = ctx.inputDir("images").resolve("pets").resolve(key + ".jpg");
        Files.createDirectories(img.getParent());
        ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB), "jpeg", img.toFile());
      }
    }

    if (zippedImages) {
      Path pets = ctx.inputDir("images").resolve("pets");
      Path images = ctx.inputDir("images").resolve("suite-images.zip");
      try (OutputStream os = Files.newOutputStream(images);
          ZipOutputStream z = new ZipOutputStream(os)) {
        for (Path f : Files.list(pets).sorted().toList()) {
          z.putNextEntry(new ZipEntry("pets/" + f.getFileName()));
          z.write(Files.readAllBytes(f));
          z.closeEntry();
        }
        put(z, "../evil.jpg", "not unpacked");
      }
      for (Path f : Files.list(pets).toList()) {
        Files.delete(f);
      }
      Files.delete(pets);
    }

    new ConvertLabelsFunction().run(ctx);

    Map<String, ?> m = ctx.metrics.get(0);
    assertThat(m.get("format")).isEqualTo("superbai");
    assertThat(m.get("records_written")).isEqualTo(6L);
    assertThat(m.get("records_per_split")).isEqualTo(Map.of("train", 4L, "test", 2L));
    assertThat(m.get("rejections_by_reason")).isEqualTo(Map.of("unsupported-shape", 6L));
    assertThat(Files.readString(ctx.outputDir().resolve("classes.txt"))).isEqualTo("dog\ncat\n");
    assertThat(Files.readAllLines(ctx.outputDir().resolve("rejected.jsonl")).get(0))
        .isEqualTo(
            "{\"source\":\"export.zip!labels/L0.json#objects[1]\",\"reason\":\"unsupported-shape\","
                + "\"detail\":\"a polygon object is not a box; polygons=bbox reads polygons as"
                + " their bounding boxes\"}");
  }

  private static void put(ZipOutputStream z, String name, String text) throws IOException {
    z.putNextEntry(new ZipEntry(name));
    z.write(text.getBytes(StandardCharsets.UTF_8));
    z.closeEntry();
  }
}
