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

  /**
   * Writes a freshly initialised network of the built-in cfg {@code cfgName} ({@code yolov3},
   * {@code yolov3-tiny}, {@code shapes-tiny}) with {@code numClasses} classes as a Darknet file:
   * the starting weights the demo feeds to the {@code weights} step (with {@code cfg} and {@code
   * weights_num_classes} set to the same values). The objectness and class biases start low, as
   * detectors are usually initialised, so training starts from "nothing here".
   */
  public static void writeInitial(Path file, String cfgName, int numClasses) throws IOException {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn(cfgName).withClasses(numClasses));
      net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, net.inputShape(1));
      net.initHeadPriors();
      write(file, net, 0);
    }
  }

  /** Writes {@code network}'s parameters in Darknet's order after a version 0.2 header. */
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
