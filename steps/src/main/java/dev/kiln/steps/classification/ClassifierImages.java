package dev.kiln.steps.classification;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Decoding and the one preprocessing both training and inference use. */
public final class ClassifierImages {
  private ClassifierImages() {}

  /** Whether a file name is a PNG or JPEG by its extension. */
  public static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  /**
   * Decodes an image and stretches it to {@code size} x {@code size} RGB bytes (HWC).
   *
   * @throws IOException with the reason when the file does not decode
   */
  public static byte[] load(Path file, int size) throws IOException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException("does not decode as PNG or JPEG: " + e.getMessage(), e);
    }
    if (img == null) {
      throw new IOException("does not decode as PNG or JPEG");
    }
    return rgb(img, size);
  }

  /** {@code img} stretched to {@code size} x {@code size}, as RGB bytes (HWC). */
  public static byte[] rgb(BufferedImage img, int size) {
    BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, size, size, null);
    g.dispose();
    byte[] out = new byte[size * size * 3];
    int k = 0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int p = scaled.getRGB(x, y);
        out[k++] = (byte) (p >> 16);
        out[k++] = (byte) (p >> 8);
        out[k++] = (byte) p;
      }
    }
    return out;
  }

  /**
   * Writes RGB bytes (HWC) as normalised CHW floats ({@code (v / 255 - 0.5) / 0.25}) at {@code
   * offset}; {@code flip} mirrors left to right.
   */
  public static void toChw(byte[] rgb, int size, float[] dst, int offset, boolean flip) {
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int sx = flip ? size - 1 - x : x;
        int s = (y * size + sx) * 3;
        int d = offset + y * size + x;
        dst[d] = ((rgb[s] & 0xff) / 255f - 0.5f) / 0.25f;
        dst[d + plane] = ((rgb[s + 1] & 0xff) / 255f - 0.5f) / 0.25f;
        dst[d + 2 * plane] = ((rgb[s + 2] & 0xff) / 255f - 0.5f) / 0.25f;
      }
    }
  }
}
