package dev.kiln.steps.labels;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Real image and text files for reader tests. */
final class TestImages {
  private TestImages() {}

  static Path image(Path file, String format, int w, int h) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(90, 120, 200));
    g.fillRect(0, 0, w, h);
    g.setColor(Color.ORANGE);
    g.fillOval(w / 4, h / 4, Math.max(1, w / 2), Math.max(1, h / 2));
    g.dispose();
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IllegalStateException("no writer for " + format);
    }
    return file;
  }

  static Path jpeg(Path file, int w, int h) throws IOException {
    return image(file, "jpeg", w, h);
  }

  static Path png(Path file, int w, int h) throws IOException {
    return image(file, "png", w, h);
  }

  static Path text(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
