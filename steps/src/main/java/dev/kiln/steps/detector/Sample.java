package dev.kiln.steps.detector;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * One image with its ground truth, decoded.
 *
 * @param key the image's name ({@code image/source_id}, else {@code image/filename})
 */
public record Sample(String key, BufferedImage image, List<Box> boxes) {
  public Sample {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(image, "image");
    boxes = List.copyOf(boxes);
  }
}
