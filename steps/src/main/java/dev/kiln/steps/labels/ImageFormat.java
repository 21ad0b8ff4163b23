package dev.kiln.steps.labels;

import java.util.Optional;

/** Image container formats recognised from their first bytes (never from the file extension). */
public enum ImageFormat {
  JPEG("jpeg"),
  PNG("png"),
  GIF("gif"),
  BMP("bmp");

  private final String tfName;

  ImageFormat(String tfName) {
    this.tfName = tfName;
  }

  /** The value of {@code image/format} in a tf.Example. */
  public String tfName() {
    return tfName;
  }

  /** Whether TensorFlow Object Detection API decoders take it. */
  public boolean supportedByObjectDetection() {
    return this == JPEG || this == PNG;
  }

  /** Recognises the format from the magic bytes at the start of a file. */
  public static Optional<ImageFormat> sniff(byte[] head, int length) {
    if (length >= 3
        && (head[0] & 0xff) == 0xFF
        && (head[1] & 0xff) == 0xD8
        && (head[2] & 0xff) == 0xFF) {
      return Optional.of(JPEG);
    }
    if (length >= 8
        && (head[0] & 0xff) == 0x89
        && head[1] == 'P'
        && head[2] == 'N'
        && head[3] == 'G'
        && head[4] == 0x0D
        && head[5] == 0x0A
        && head[6] == 0x1A
        && head[7] == 0x0A) {
      return Optional.of(PNG);
    }
    if (length >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
      return Optional.of(GIF);
    }
    if (length >= 2 && head[0] == 'B' && head[1] == 'M') {
      return Optional.of(BMP);
    }
    return Optional.empty();
  }
}
