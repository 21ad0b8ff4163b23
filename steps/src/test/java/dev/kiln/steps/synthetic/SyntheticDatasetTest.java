package dev.kiln.steps.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {
  @TempDir Path dir;

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void sameSeedSameBytesWhateverTheThreadsOtherSeedOtherImages() throws IOException {
    SyntheticDataset.generate(
        SyntheticDataset.Options.of(25, 96, 3, dir.resolve("a")).withThreads(1));
    SyntheticDataset.generate(
        SyntheticDataset.Options.of(25, 96, 3, dir.resolve("b")).withThreads(3));
    SyntheticDataset.generate(SyntheticDataset.Options.of(25, 96, 4, dir.resolve("c")));
    List<Path> a = files(dir.resolve("a"));
    assertThat(a).hasSize(25 + 2);
    for (Path p : a) {
      Path rel = dir.resolve("a").relativize(p);
      assertThat(Files.readAllBytes(dir.resolve("b").resolve(rel)))
          .as(rel.toString())
          .isEqualTo(Files.readAllBytes(p));
    }
    Path img0a =
        a.stream()
            .filter(p -> p.getFileName().toString().equals("img_000000.jpg"))
            .findFirst()
            .orElseThrow();
    Path img0c =
        files(dir.resolve("c")).stream()
            .filter(p -> p.getFileName().toString().equals("img_000000.jpg"))
            .findFirst()
            .orElseThrow();
    assertThat(Files.readAllBytes(img0c)).isNotEqualTo(Files.readAllBytes(img0a));
  }

  @Test
  void writesCocoWithBoxesInsideTheImageAndThreeShapeClasses() throws IOException {
    SyntheticDataset.Summary s =
        SyntheticDataset.generate(
            SyntheticDataset.Options.of(40, 80, 9, dir)
                .withImageType(SyntheticDataset.ImageType.PNG)
                .withObjects(2, 5));
    assertThat(s.images()).isEqualTo(40);
    assertThat(s.imagesPerSplit().get("train") + s.imagesPerSplit().get("test")).isEqualTo(40);
    assertThat(s.imagesPerSplit().get("test")).isBetween(2, 18);
    assertThat(s.objectsPerClass().keySet())
        .containsExactlyInAnyOrder("circle", "square", "triangle");
    int objects = 0;
    for (String split : List.of("train", "test")) {
      JsonNode coco =
          new ObjectMapper()
              .readTree(dir.resolve(split).resolve(SyntheticDataset.ANNOTATIONS_FILE).toFile());
      assertThat(coco.get("categories"))
          .extracting(c -> c.get("name").asText())
          .containsExactly("circle", "square", "triangle");
      assertThat(coco.get("images")).hasSize(s.imagesPerSplit().get(split));
      for (JsonNode img : coco.get("images")) {
        BufferedImage decoded =
            ImageIO.read(dir.resolve(split).resolve(img.get("file_name").asText()).toFile());
        assertThat(decoded.getWidth()).isEqualTo(80);
        assertThat(decoded.getHeight()).isEqualTo(80);
      }
      for (JsonNode a : coco.get("annotations")) {
        JsonNode b = a.get("bbox");
        assertThat(b.get(0).asInt()).isGreaterThanOrEqualTo(0);
        assertThat(b.get(1).asInt()).isGreaterThanOrEqualTo(0);
        assertThat(b.get(2).asInt()).isPositive();
        assertThat(b.get(0).asInt() + b.get(2).asInt()).isLessThanOrEqualTo(80);
        assertThat(b.get(1).asInt() + b.get(3).asInt()).isLessThanOrEqualTo(80);
        objects++;
      }
    }
    assertThat(objects).isEqualTo(s.objects()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void shapesAreActuallyDrawnInsideTheirBoxes() {
    SyntheticDataset.Options o = SyntheticDataset.Options.of(1, 128, 21, dir).withObjects(3, 3);
    SyntheticDataset.Rendered r = SyntheticDataset.render(0, o);
    assertThat(r.objects()).isNotEmpty();
    for (SyntheticDataset.SyntheticObject obj : r.objects()) {
      // the centre of a circle, square or (upward) triangle's lower middle is filled with one
      // colour
      int cx = obj.x() + obj.w() / 2;
      int cy =
          obj.shape() == SyntheticDataset.Shape.TRIANGLE
              ? obj.y() + obj.h() * 3 / 4
              : obj.y() + obj.h() / 2;
      int centre = r.image().getRGB(cx, cy);
      assertThat(r.image().getRGB(cx + 1, cy)).isEqualTo(centre);
      assertThat(r.image().getRGB(cx, cy + 1)).isEqualTo(centre);
    }
  }

  @Test
  void generatesHundredsOfSmallImagesPerSecond() throws IOException {
    SyntheticDataset.generate(SyntheticDataset.Options.of(20, 128, 1, dir.resolve("warm")));
    SyntheticDataset.Summary s =
        SyntheticDataset.generate(SyntheticDataset.Options.of(300, 128, 1, dir.resolve("fast")));
    double perSecond = s.images() * 1000.0 / Math.max(1, s.elapsedMillis());
    System.out.printf(
        "synthetic: %d images 128x128 in %d ms (%.0f/s)%n",
        s.images(), s.elapsedMillis(), perSecond);
    // generous floor for a loaded CI machine; typical is several hundred per second
    assertThat(perSecond).isGreaterThan(50);
  }
}
