package dev.kiln.steps.labels;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads an image's size from its header only: the JPEG SOFn segment, the PNG IHDR chunk, the GIF
 * logical screen, the BMP info header. Decoding a whole image to learn its size would cost more
 * than the rest of the conversion. EXIF orientation is not applied: the size is that of the stored
 * pixels, which is what TensorFlow's decoders return.
 */
public final class ImageHeaders {
  private ImageHeaders() {}

  /** Reads the header of an image file. */
  public static ImageInfo read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 8192)) {
      return read(in, file.getFileName().toString());
    }
  }

  /** Reads the header of an image held in memory. */
  public static ImageInfo read(byte[] image, String name) throws IOException {
    return read(new ByteArrayInputStream(image), name);
  }

  /**
   * Reads the header from a stream positioned at the start of the image.
   *
   * @throws IOException with a message naming {@code name} when the data is not a known image
   */
  public static ImageInfo read(InputStream in, String name) throws IOException {
    byte[] head = new byte[26];
    int n = readUpTo(in, head, 26);
    Optional<ImageFormat> format = ImageFormat.sniff(head, n);
    if (format.isEmpty()) {
      throw new IOException(name + ": not a JPEG, PNG, GIF or BMP image (unknown header bytes)");
    }
    try {
      return switch (format.get()) {
        case PNG -> png(head, n, name);
        case GIF -> new ImageInfo(ImageFormat.GIF, u16le(head, 6), u16le(head, 8));
        case BMP -> bmp(head, n, name);
        case JPEG -> jpeg(in, head, n, name);
      };
    } catch (IllegalArgumentException | EOFException e) {
      throw new IOException(
          name + ": bad " + format.get().tfName() + " header: " + e.getMessage(), e);
    }
  }

  private static ImageInfo png(byte[] h, int n, String name) throws IOException {
    if (n < 24 || h[12] != 'I' || h[13] != 'H' || h[14] != 'D' || h[15] != 'R') {
      throw new IOException(name + ": PNG without an IHDR chunk");
    }
    return new ImageInfo(ImageFormat.PNG, u32be(h, 16), u32be(h, 20));
  }

  private static ImageInfo bmp(byte[] h, int n, String name) throws IOException {
    if (n < 26) {
      throw new IOException(name + ": truncated BMP header");
    }
    int dibSize = u32le(h, 14);
    if (dibSize == 12) {
      return new ImageInfo(ImageFormat.BMP, u16le(h, 18), u16le(h, 20));
    }
    // BITMAPINFOHEADER and later: signed 32-bit; a negative height means top-down rows.
    return new ImageInfo(ImageFormat.BMP, Math.abs(u32le(h, 18)), Math.abs(u32le(h, 22)));
  }

  private static ImageInfo jpeg(InputStream in, byte[] head, int n, String name)
      throws IOException {
    // Replay the bytes already read, then walk the marker segments until a start-of-frame.
    InputStream s = new java.io.SequenceInputStream(new ByteArrayInputStream(head, 2, n - 2), in);
    while (true) {
      int b = s.read();
      if (b < 0) {
        throw new IOException(name + ": JPEG ends before a start-of-frame (SOFn) marker");
      }
      if (b != 0xFF) {
        throw new IOException(
            name + ": corrupt JPEG: expected a marker, found byte 0x" + Integer.toHexString(b));
      }
      int marker;
      do {
        marker = s.read();
      } while (marker == 0xFF);
      if (marker < 0) {
        throw new EOFException("JPEG ends inside a marker");
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue; // markers without a length
      }
      if (marker == 0xD9 || marker == 0xDA) {
        throw new IOException(name + ": JPEG has no start-of-frame (SOFn) before its image data");
      }
      int len = (readByte(s) << 8) | readByte(s);
      if (len < 2) {
        throw new IOException(name + ": corrupt JPEG segment length " + len);
      }
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        readByte(s); // sample precision
        int height = (readByte(s) << 8) | readByte(s);
        int width = (readByte(s) << 8) | readByte(s);
        if (height == 0) {
          // A DNL marker would define it later; rare enough to refuse rather than scan the data.
          throw new IOException(
              name + ": JPEG with height defined by a DNL marker is not supported");
        }
        return new ImageInfo(ImageFormat.JPEG, width, height);
      }
      skipFully(s, len - 2);
    }
  }

  private static int readByte(InputStream s) throws IOException {
    int b = s.read();
    if (b < 0) {
      throw new EOFException("unexpected end of file");
    }
    return b;
  }

  private static void skipFully(InputStream s, long n) throws IOException {
    while (n > 0) {
      long k = s.skip(n);
      if (k <= 0) {
        readByte(s);
        k = 1;
      }
      n -= k;
    }
  }

  private static int readUpTo(InputStream in, byte[] b, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int r = in.read(b, total, len - total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }

  private static int u16le(byte[] b, int o) {
    return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8;
  }

  private static int u32le(byte[] b, int o) {
    return (b[o] & 0xff)
        | (b[o + 1] & 0xff) << 8
        | (b[o + 2] & 0xff) << 16
        | (b[o + 3] & 0xff) << 24;
  }

  private static int u32be(byte[] b, int o) {
    return (b[o] & 0xff) << 24
        | (b[o + 1] & 0xff) << 16
        | (b[o + 2] & 0xff) << 8
        | (b[o + 3] & 0xff);
  }
}
