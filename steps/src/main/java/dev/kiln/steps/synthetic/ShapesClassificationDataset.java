package dev.kiln.steps.synthetic;

import static com.google.common.base.Preconditions.checkArgument;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Generates an image-classification dataset in EasyMaker's layout: {@code train/{label}/NNNN.png},
 * the same under {@code validation/} and {@code test/}. Each image holds one shape (circle, square,
 * triangle, cross or ring) of random size, position and colour on a noisy background of another
 * colour. Every image comes from its own random stream seeded by (seed, split, index), so a split
 * does not change when another grows.
 */
public final class ShapesClassificationDataset {
  private ShapesClassificationDataset() {}

  /** The classes, which are also the label folder names. */
  public enum Shape {
    CIRCLE,
    SQUARE,
    TRIANGLE,
    CROSS,
    RING;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final List<String> SPLITS = List.of("train", "validation", "test");

  /**
   * @param perClass images per class in train, validation and test
   * @param size image side in pixels (at least 16)
   */
  public record Options(int trainPerClass, int validationPerClass, int testPerClass, int size, long seed, Path outputDir) {
    public Options {
      checkArgument(trainPerClass >= 1 && validationPerClass >= 1 && testPerClass >= 0,
          "need at least one train and validation image per class, got %s/%s/%s",
          trainPerClass, validationPerClass, testPerClass);
      checkArgument(size >= 16, "image size must be at least 16, got %s", size);
      Objects.requireNonNull(outputDir, "outputDir");
    }

    int perClass(String split) {
      return switch (split) {
        case "train" -> trainPerClass;
        case "validation" -> validationPerClass;
        default -> testPerClass;
      };
    }
  }

  /** Writes the dataset; returns split → images written. */
  public static Map<String, Integer> generate(Options o) throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int s = 0; s < SPLITS.size(); s++) {
      String split = SPLITS.get(s);
      int written = 0;
      for (Shape shape : Shape.values()) {
        Path dir = o.outputDir().resolve(split).resolve(shape.label());
        Files.createDirectories(dir);
        for (int i = 0; i < o.perClass(split); i++) {
          long streamSeed = o.seed() * 1_000_003L + s * 10_007L * 1_000_000L + shape.ordinal() * 1_000_000L + i;
          BufferedImage img = draw(shape, o.size(), new SplittableRandom(streamSeed));
          ImageIO.write(img, "png", dir.resolve(String.format(Locale.ROOT, "%04d.png", i)).toFile());
          written++;
        }
      }
      counts.put(split, written);
    }
    return counts;
  }

  /** One image of {@code shape}. */
  public static BufferedImage draw(Shape shape, int size, SplittableRandom rnd) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    float hue = (float) rnd.nextDouble();
    Color bg = Color.getHSBColor(hue, (float) (0.2 + 0.5 * rnd.nextDouble()), (float) (0.2 + 0.3 * rnd.nextDouble()));
    Color fg = Color.getHSBColor((hue + 0.3f + 0.4f * (float) rnd.nextDouble()) % 1f,
        (float) (0.5 + 0.5 * rnd.nextDouble()), (float) (0.75 + 0.25 * rnd.nextDouble()));
    int noise = 24;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        img.setRGB(x, y, jitter(bg, rnd, noise));
      }
    }
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(fg);
    int d = (int) (size * (0.45 + 0.4 * rnd.nextDouble()));
    int x0 = rnd.nextInt(Math.max(1, size - d + 1));
    int y0 = rnd.nextInt(Math.max(1, size - d + 1));
    switch (shape) {
      case CIRCLE -> g.fillOval(x0, y0, d, d);
      case SQUARE -> g.fillRect(x0, y0, d, d);
      case TRIANGLE -> g.fillPolygon(new Polygon(
          new int[] {x0, x0 + d, x0 + d / 2}, new int[] {y0 + d, y0 + d, y0}, 3));
      case CROSS -> {
        int t = Math.max(2, d / 3);
        g.fillRect(x0 + (d - t) / 2, y0, t, d);
        g.fillRect(x0, y0 + (d - t) / 2, d, t);
      }
      case RING -> {
        float t = Math.max(2f, d / 6f);
        g.setStroke(new BasicStroke(t));
        g.drawOval(x0 + (int) (t / 2), y0 + (int) (t / 2), d - (int) t, d - (int) t);
      }
    }
    g.dispose();
    return img;
  }

  private static int jitter(Color c, SplittableRandom rnd, int noise) {
    int r = clamp(c.getRed() + rnd.nextInt(-noise, noise + 1));
    int gr = clamp(c.getGreen() + rnd.nextInt(-noise, noise + 1));
    int b = clamp(c.getBlue() + rnd.nextInt(-noise, noise + 1));
    return (r << 16) | (gr << 8) | b;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
