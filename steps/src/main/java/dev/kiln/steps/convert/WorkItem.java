package dev.kiln.steps.convert;

import dev.kiln.steps.labels.LabeledImage;
import java.io.Serializable;
import java.util.Objects;

/**
 * One validated image on its way to a shard: small metadata only, never the image bytes, so that
 * grouping by shard keeps memory bounded.
 *
 * @param index the image's position in the reader's output: the order records are written in, the
 *     same as the plain converter's
 * @param image the image with its validated (possibly clipped) boxes
 * @param clippedBoxes boxes clipped by validation
 * @param rejectionsBefore box rejections already reported for this image (numbers the next one)
 */
record WorkItem(long index, LabeledImage image, int clippedBoxes, int rejectionsBefore)
    implements Serializable {
  WorkItem {
    Objects.requireNonNull(image, "image");
  }
}
