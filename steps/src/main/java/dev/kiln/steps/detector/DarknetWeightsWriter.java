package dev.kiln.steps.detector;

import ai.djl.nn.Parameter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a network's parameters as a Darknet {@code .weights} file (version 0.2, {@code seen} as
 * int64), the layout {@link DarknetWeightsReader} reads. Used by the demo to make a starting
 * weights file for the small shapes detector, and by tests.
 */
public final class DarknetWeightsWriter {
  private DarknetWeightsWriter() {}

  public static void write(Path file, DarknetNetwork network, long seen) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(0).putInt(2).putInt(0).putLong(seen);
      out.write(header.array());
      for (Parameter p : DarknetWeightsReader.parametersInFileOrder(network)) {
        float[] v = p.getArray().toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
      }
    }
  }
}
