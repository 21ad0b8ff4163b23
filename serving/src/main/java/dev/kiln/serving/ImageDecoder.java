package dev.kiln.serving;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes request images with a pixel limit checked against the header before any pixel is
 * decoded, so a small file that claims a huge image (a decompression bomb) costs nothing. A
 * truncated file is refused even where the decoder would fill the rest with grey and only warn.
 */
final class ImageDecoder {
  private final long maxPixels;

  ImageDecoder(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /**
   * The image, or an {@link EndpointException} (400) whose message starts with {@code where}.
   */
  BufferedImage decode(byte[] bytes, String where) {
    if (bytes.length == 0) {
      throw bad(where, "the image is empty (0 bytes)");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw bad(where, "not an image (" + bytes.length
            + " bytes that are not PNG, JPEG, BMP or GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          throw bad(where, "the image is " + w + "x" + h + " pixels");
        }
        if (w * h > maxPixels) {
          throw bad(where, "the image is " + w + "x" + h + " = " + (w * h)
              + " pixels, more than the limit of " + maxPixels + " (--max-pixels)");
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener(
            new IIOReadWarningListener() {
              @Override
              public void warningOccurred(ImageReader source, String warning) {
                warnings.add(warning);
              }
            });
        BufferedImage img = reader.read(0);
        if (!warnings.isEmpty()) {
          throw bad(where, "truncated or corrupt " + format(reader) + " image: "
              + warnings.get(0));
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof EndpointException ee) {
        throw ee;
      }
      throw bad(where, "truncated or corrupt image: " + message(e));
    }
  }

  private static String format(ImageReader reader) {
    try {
      return reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
    } catch (IOException e) {
      return "";
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static EndpointException bad(String where, String why) {
    return new EndpointException(400, where + ": " + why);
  }
}
