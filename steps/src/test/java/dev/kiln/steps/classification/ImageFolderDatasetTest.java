package dev.kiln.steps.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.steps.classification.ImageFolderDataset.Problem;
import dev.kiln.steps.classification.ImageFolderDataset.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on hand-built folders: the EasyMaker layout and every kind of bad input. */
class ImageFolderDatasetTest {
  @TempDir Path dir;

  private static void image(Path file, String format, int rgb) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(10, 6, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 10; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
  }

  @Test
  void readsPngAndJpegWithTheFolderAsLabel() throws IOException {
    image(dir.resolve("train/cat/a.png"), "png", 0xff0000);
    image(dir.resolve("train/cat/b.jpg"), "jpg", 0x00ff00);
    image(dir.resolve("train/dog/c.JPEG"), "jpg", 0x0000ff);
    Split s = ImageFolderDataset.read(dir.resolve("train"), "train", 4, null);
    assertThat(s.problems()).isEmpty();
    assertThat(s.labels()).containsExactly("cat", "dog");
    assertThat(s.samples()).extracting(ImageFolderDataset.Sample::label)
        .containsExactly("cat", "cat", "dog");
    // stretched to 4 x 4 RGB; the red PNG stays exactly red
    byte[] rgb = s.samples().get(0).rgb();
    assertThat(rgb).hasSize(4 * 4 * 3);
    assertThat(rgb[0] & 0xff).isEqualTo(255);
    assertThat(rgb[1] & 0xff).isEqualTo(0);
  }

  @Test
  void everyBadInputIsReportedWithItsFileAndSkipped() throws IOException {
    Path train = dir.resolve("train");
    image(train.resolve("cat/ok.png"), "png", 0xffffff);
    Files.createDirectories(train.resolve("empty"));
    Files.writeString(train.resolve("cat/broken.png"), "not a png");
    Files.writeString(train.resolve("cat/notes.txt"), "hello");
    image(train.resolve("loose.png"), "png", 0);
    image(train.resolve("horse/h.png"), "png", 0);
    Split s = ImageFolderDataset.read(train, "train", 8, List.of("cat", "dog"));
    assertThat(s.samples()).hasSize(1);
    assertThat(s.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "train/cat/broken.png: does not decode as PNG or JPEG",
            "train/cat/notes.txt: not a PNG or JPEG file (by its extension)",
            "train/empty/: label folder holds no PNG or JPEG image",
            "train/horse/h.png: label \"horse\" is not a class of train [cat, dog]",
            "train/loose.png: image outside a label folder (expected {label}/loose.png)");
  }

  @Test
  void aSplitWithNothingReadableFailsNamingTheFirstProblem() throws IOException {
    Path val = dir.resolve("validation");
    Files.createDirectories(val.resolve("cat"));
    Files.writeString(val.resolve("cat/x.jpg"), "garbage");
    Split s = ImageFolderDataset.read(val, "validation", 8, null);
    assertThatThrownBy(s::requireNonEmpty)
        .isInstanceOf(ClassificationInputException.class)
        .hasMessage("input \"validation\": none of its files is a readable image in a label folder"
            + " (1 skipped; first: validation/cat/x.jpg: does not decode as PNG or JPEG)");
  }

  @Test
  void anEmptyOrMissingSplitFails() throws IOException {
    Files.createDirectories(dir.resolve("test"));
    assertThatThrownBy(() -> ImageFolderDataset.read(dir.resolve("test"), "test", 8, null).requireNonEmpty())
        .hasMessage("input \"test\": it holds no image (expected test/{label}/image.png or .jpg)");
    assertThatThrownBy(() -> ImageFolderDataset.read(dir.resolve("nope"), "train", 8, null).requireNonEmpty())
        .hasMessage("input \"train\": it holds no image (expected train/{label}/image.png or .jpg)");
  }
}
