package dev.kiln.steps.labels;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/** An image's format and size as read from its header. */
public record ImageInfo(ImageFormat format, int width, int height) {
  public ImageInfo {
    Objects.requireNonNull(format, "format");
    checkArgument(width > 0 && height > 0, "image size must be positive, got %sx%s", width, height);
  }
}
