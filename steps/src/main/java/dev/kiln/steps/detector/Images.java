package dev.kiln.steps.detector;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Image to tensor conversion and the training augmentation (random scale, horizontal flip). */
public final class Images {
  private Images() {}

  /** An augmented image at the network size and its boxes moved with it. */
  public record Augmented(BufferedImage image, List<Box> boxes) {}

  /** Stretches an image to {@code size x size} RGB. */
  public static BufferedImage resize(BufferedImage img, int size) {
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, size, size, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Writes a {@code size x size} image as CHW floats in [0, 1] at {@code offset} of {@code dst}. */
  public static void toChw(BufferedImage img, float[] dst, int offset) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] px = img.getRGB(0, 0, w, h, null, 0, w);
    int plane = w * h;
    for (int i = 0; i < plane; i++) {
      int p = px[i];
      dst[offset + i] = ((p >> 16) & 0xff) / 255f;
      dst[offset + plane + i] = ((p >> 8) & 0xff) / 255f;
      dst[offset + 2 * plane + i] = (p & 0xff) / 255f;
    }
  }

  /**
   * Scales the image by a random factor in [scaleMin, scaleMax] (zoom in crops, zoom out pads with
   * grey), places it at a random offset, and flips it left-right half the time. A box keeps its
   * clipped part when at least 40% of it stays in view, else it is dropped.
   */
  public static Augmented augment(
      Sample s, int size, float scaleMin, float scaleMax, boolean flip, Random rnd) {
    float scale = scaleMin + (scaleMax - scaleMin) * rnd.nextFloat();
    int sw = Math.max(1, Math.round(size * scale));
    int ox = sw >= size ? -rnd.nextInt(sw - size + 1) : rnd.nextInt(size - sw + 1);
    int oy = sw >= size ? -rnd.nextInt(sw - size + 1) : rnd.nextInt(size - sw + 1);
    boolean mirror = flip && rnd.nextBoolean();
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(new Color(127, 127, 127));
      g.fillRect(0, 0, size, size);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      if (mirror) {
        g.drawImage(s.image(), size - ox, oy, size - ox - sw, oy + sw, 0, 0,
            s.image().getWidth(), s.image().getHeight(), null);
      } else {
        g.drawImage(s.image(), ox, oy, sw, sw, null);
      }
    } finally {
      g.dispose();
    }
    List<Box> boxes = new ArrayList<>();
    float f = (float) sw / size;
    float dx = (float) ox / size;
    float dy = (float) oy / size;
    for (Box b : s.boxes()) {
      float x0 = b.xmin() * f + dx;
      float x1 = b.xmax() * f + dx;
      float y0 = b.ymin() * f + dy;
      float y1 = b.ymax() * f + dy;
      float area = (x1 - x0) * (y1 - y0);
      float cx0 = clip(x0);
      float cx1 = clip(x1);
      float cy0 = clip(y0);
      float cy1 = clip(y1);
      float kept = Math.max(0, cx1 - cx0) * Math.max(0, cy1 - cy0);
      if (area <= 0 || kept < 0.4f * area || (cx1 - cx0) * size < 2 || (cy1 - cy0) * size < 2) {
        continue;
      }
      if (mirror) {
        boxes.add(new Box(1 - cx1, cy0, 1 - cx0, cy1, b.label()));
      } else {
        boxes.add(new Box(cx0, cy0, cx1, cy1, b.label()));
      }
    }
    return new Augmented(out, boxes);
  }

  private static float clip(float v) {
    return Math.max(0f, Math.min(1f, v));
  }
}
