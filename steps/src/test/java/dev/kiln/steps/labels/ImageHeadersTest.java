package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageHeadersTest {
  @TempDir Path dir;

  @Test
  void headerSizesEqualImageIoDecodeForEveryFormat() throws IOException {
    Object[][] cases = {
      {"jpeg", "a.jpg", 123, 45, ImageFormat.JPEG},
      {"png", "b.png", 300, 17, ImageFormat.PNG},
      {"gif", "c.gif", 31, 9, ImageFormat.GIF},
      {"bmp", "d.bmp", 13, 21, ImageFormat.BMP},
      {"jpeg", "e.jpg", 1, 1, ImageFormat.JPEG},
    };
    for (Object[] c : cases) {
      Path f = TestImages.image(dir.resolve((String) c[1]), (String) c[0], (int) c[2], (int) c[3]);
      BufferedImage decoded = ImageIO.read(f.toFile());
      ImageInfo info = ImageHeaders.read(f);
      assertThat(info)
          .isEqualTo(new ImageInfo((ImageFormat) c[4], decoded.getWidth(), decoded.getHeight()));
      assertThat(info.width()).isEqualTo(c[2]);
      assertThat(info.height()).isEqualTo(c[3]);
    }
  }

  @Test
  void readsProgressiveJpegsAndSkipsLargeAppSegments() throws IOException {
    BufferedImage img = new BufferedImage(77, 200, BufferedImage.TYPE_INT_RGB);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(img, null, null), p);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = bytes.toByteArray();
    // insert a 40 kB APP1 (EXIF-like) segment right after SOI, as cameras do
    byte[] app1 = new byte[40_000];
    app1[0] = (byte) 0xFF;
    app1[1] = (byte) 0xE1;
    app1[2] = (byte) ((app1.length - 2) >> 8);
    app1[3] = (byte) (app1.length - 2);
    Arrays.fill(app1, 4, app1.length, (byte) 0xFF); // marker-like bytes inside must be skipped
    byte[] withExif = new byte[jpeg.length + app1.length];
    System.arraycopy(jpeg, 0, withExif, 0, 2);
    System.arraycopy(app1, 0, withExif, 2, app1.length);
    System.arraycopy(jpeg, 2, withExif, 2 + app1.length, jpeg.length - 2);
    Path f = dir.resolve("progressive.jpg");
    Files.write(f, withExif);

    assertThat(ImageHeaders.read(f)).isEqualTo(new ImageInfo(ImageFormat.JPEG, 77, 200));
    BufferedImage decoded = ImageIO.read(f.toFile());
    assertThat(decoded.getWidth()).isEqualTo(77);
    assertThat(decoded.getHeight()).isEqualTo(200);
  }

  @Test
  void reportsFilesThatAreNotImages() throws IOException {
    Path txt = TestImages.text(dir.resolve("notes.jpg"), "hello, I am not a JPEG");
    assertThatThrownBy(() -> ImageHeaders.read(txt))
        .isInstanceOf(IOException.class)
        .hasMessage("notes.jpg: not a JPEG, PNG, GIF or BMP image (unknown header bytes)");

    byte[] jpeg = Files.readAllBytes(TestImages.jpeg(dir.resolve("ok.jpg"), 10, 10));
    Path cut = dir.resolve("cut.jpg");
    Files.write(cut, Arrays.copyOf(jpeg, 30));
    assertThatThrownBy(() -> ImageHeaders.read(cut))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cut.jpg: ");
  }
}
