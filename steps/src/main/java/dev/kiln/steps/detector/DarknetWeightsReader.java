package dev.kiln.steps.detector;

import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Darknet {@code .weights} file into a {@link DarknetNetwork}. The layout is Darknet's: a
 * header of three int32 (major, minor, revision) and {@code seen} (int64 when {@code major * 10 +
 * minor >= 2}, else int32), then for each convolution in cfg order: batch-norm beta, gamma,
 * running mean, running variance (or the convolution bias when it has no batch norm), then the
 * kernel {@code [filters, in / groups, size, size]}, all little-endian float32.
 */
public final class DarknetWeightsReader {
  private DarknetWeightsReader() {}

  /** What the header said. */
  public record Header(int major, int minor, int revision, long seen, int bytes) {}

  /**
   * Loads the file into an initialised network.
   *
   * @throws WeightsFormatException when the file's size does not match the network exactly
   */
  public static Header read(Path file, DarknetNetwork network) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 16) {
        throw new WeightsFormatException(
            file + ": " + size + " bytes is too short for a Darknet weights header");
      }
      ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      int major = all.getInt();
      int minor = all.getInt();
      int revision = all.getInt();
      long seen;
      if (major * 10 + minor >= 2) {
        seen = all.getLong();
      } else {
        seen = Integer.toUnsignedLong(all.getInt());
      }
      Header header = new Header(major, minor, revision, seen, all.position());
      long expected = floatCount(network);
      long remaining = size - all.position();
      if (remaining % 4 != 0 || remaining / 4 != expected) {
        throw new WeightsFormatException(
            file + ": the network \"" + network.cfg().name() + "\" with "
                + network.cfg().numClasses() + " classes needs " + expected
                + " floats after the " + header.bytes() + "-byte header, the file has "
                + (remaining / 4) + (remaining % 4 != 0 ? " and " + (remaining % 4) + " bytes" : "")
                + " (is weights_num_classes right, and is the cfg the one the weights were"
                + " trained with?)");
      }
      FloatBuffer floats = all.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      for (Parameter p : parametersInFileOrder(network)) {
        float[] values = new float[Math.toIntExact(p.getShape().size())];
        floats.get(values);
        p.getArray().set(values);
      }
      return header;
    }
  }

  /** The number of floats a weights file for this network holds after its header. */
  public static long floatCount(DarknetNetwork network) {
    long n = 0;
    for (Parameter p : parametersInFileOrder(network)) {
      n += p.getShape().size();
    }
    return n;
  }

  /** Darknet's order: per convolution, (beta, gamma, mean, var) or bias, then the kernel. */
  static List<Parameter> parametersInFileOrder(DarknetNetwork network) {
    List<Parameter> out = new ArrayList<>();
    for (DarknetNetwork.Conv c : network.convolutions()) {
      if (c.norm() != null) {
        out.add(require(c.norm().getParameters().get("beta"), c, "beta"));
        out.add(require(c.norm().getParameters().get("gamma"), c, "gamma"));
        out.add(require(c.norm().getParameters().get("runningMean"), c, "runningMean"));
        out.add(require(c.norm().getParameters().get("runningVar"), c, "runningVar"));
      } else {
        out.add(require(c.conv().getParameters().get("bias"), c, "bias"));
      }
      out.add(require(c.conv().getParameters().get("weight"), c, "weight"));
    }
    return out;
  }

  private static Parameter require(Parameter p, DarknetNetwork.Conv c, String what) {
    if (p == null || p.getShape() == null) {
      throw new IllegalStateException(
          "convolution at cfg line " + c.layer().line() + " has no initialised " + what
              + "; initialise the network before reading weights");
    }
    return p;
  }
}
