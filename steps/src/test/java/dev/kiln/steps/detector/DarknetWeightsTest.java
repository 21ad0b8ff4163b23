package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DarknetWeightsTest {
  @TempDir Path dir;

  /** Builds a weights file by hand, value = running index, in Darknet's order. */
  private static Path handMadeWeights(Path file, int major, int minor, long floats)
      throws IOException {
    boolean longSeen = major * 10 + minor >= 2;
    ByteBuffer b =
        ByteBuffer.allocate((int) (12 + (longSeen ? 8 : 4) + floats * 4))
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(major).putInt(minor).putInt(0);
    if (longSeen) {
      b.putLong(123456789012L);
    } else {
      b.putInt(32013312);
    }
    for (int i = 0; i < floats; i++) {
      b.putFloat(i);
    }
    Files.write(file, b.array());
    return file;
  }

  @Test
  void valuesLandInTheRightTensors() throws IOException {
    // shapes-tiny: conv0 bn(16) 3->16 3x3, ..., last conv 128->24 1x1 with bias
    try (NDManager m = NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny").withSize(64));
      net.initialize(m, DataType.FLOAT32, net.inputShape(1));
      long n = DarknetWeightsReader.floatCount(net);
      long expected = 0;
      int in = 3;
      int[][] convs = {{16, 3}, {32, 3}, {64, 3}, {128, 3}, {64, 1}, {128, 3}};
      for (int[] c : convs) {
        expected += 4L * c[0] + (long) c[0] * in * c[1] * c[1];
        in = c[0];
      }
      expected += 24 + 24 * 128;
      assertThat(n).isEqualTo(expected);

      Path file = handMadeWeights(dir.resolve("t.weights"), 0, 2, n);
      DarknetWeightsReader.Header h = DarknetWeightsReader.read(file, net);
      assertThat(h.seen()).isEqualTo(123456789012L);
      assertThat(h.bytes()).isEqualTo(20);

      DarknetNetwork.Conv c0 = net.convolutions().get(0);
      assertThat(c0.norm().getParameters().get("beta").getArray().toFloatArray()[0]).isEqualTo(0f);
      assertThat(c0.norm().getParameters().get("gamma").getArray().toFloatArray()[0])
          .isEqualTo(16f);
      assertThat(c0.norm().getParameters().get("runningMean").getArray().toFloatArray()[15])
          .isEqualTo(47f);
      assertThat(c0.norm().getParameters().get("runningVar").getArray().toFloatArray()[0])
          .isEqualTo(48f);
      NDArray w0 = c0.conv().getParameters().get("weight").getArray();
      assertThat(w0.getShape()).isEqualTo(new Shape(16, 3, 3, 3));
      // weight [f=1, c=2, y=0, x=1] = 64 + ((1*3 + 2)*3 + 0)*3 + 1
      assertThat(w0.getFloat(1, 2, 0, 1)).isEqualTo(64f + 46f);
      DarknetNetwork.Conv last = net.convolutions().get(6);
      assertThat(last.norm()).isNull();
      float[] bias = last.conv().getParameters().get("bias").getArray().toFloatArray();
      assertThat(bias[0]).isEqualTo((float) (n - 24 - 24 * 128));
      float[] lastW = last.conv().getParameters().get("weight").getArray().toFloatArray();
      assertThat(lastW[lastW.length - 1]).isEqualTo((float) (n - 1));

      // writer writes the same bytes back
      Path copy = dir.resolve("copy.weights");
      DarknetWeightsWriter.write(copy, net, 123456789012L);
      assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(file));
    }
  }

  @Test
  void oldHeaderHasA32BitSeen() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny").withSize(64));
      net.initialize(m, DataType.FLOAT32, net.inputShape(1));
      long n = DarknetWeightsReader.floatCount(net);
      Path file = handMadeWeights(dir.resolve("old.weights"), 0, 1, n);
      DarknetWeightsReader.Header h = DarknetWeightsReader.read(file, net);
      assertThat(h.seen()).isEqualTo(32013312L);
      assertThat(h.bytes()).isEqualTo(16);
      assertThat(net.convolutions().get(0).norm().getParameters().get("beta").getArray()
          .toFloatArray()[1]).isEqualTo(1f);
    }
  }

  @Test
  void wrongSizeNamesExpectedAndActualFloats() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny").withSize(64));
      net.initialize(m, DataType.FLOAT32, net.inputShape(1));
      long n = DarknetWeightsReader.floatCount(net);
      Path file = handMadeWeights(dir.resolve("short.weights"), 0, 2, n - 10);
      assertThatThrownBy(() -> DarknetWeightsReader.read(file, net))
          .isInstanceOf(WeightsFormatException.class)
          .hasMessage(file + ": the network \"shapes-tiny\" with 3 classes needs " + n
              + " floats after the 20-byte header, the file has " + (n - 10)
              + " (is weights_num_classes right, and is the cfg the one the weights were"
              + " trained with?)");
    }
  }

  @Test
  void standardNetworksHaveDarknetsParameterCounts() {
    try (NDManager m = NDManager.newBaseManager()) {
      // yolov3.weights is 248007048 bytes: a 20-byte header and 62001757 floats
      DarknetNetwork v3 = new DarknetNetwork(DarknetCfg.builtIn("yolov3").withSize(64));
      v3.initialize(m, DataType.FLOAT32, v3.inputShape(1));
      assertThat(DarknetWeightsReader.floatCount(v3)).isEqualTo(62001757L);
      NDList out = v3.forward(new ParameterStore(m, false),
          new NDList(m.randomUniform(0, 1, new Shape(1, 3, 64, 64))), false);
      assertThat(out).hasSize(3);
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(1, 255, 2, 2));
      assertThat(out.get(2).getShape()).isEqualTo(new Shape(1, 255, 8, 8));
    }
    try (NDManager m = NDManager.newBaseManager()) {
      // yolov3-tiny.weights is 35434956 bytes: 20 + 4 * 8858734
      DarknetNetwork tiny = new DarknetNetwork(DarknetCfg.builtIn("yolov3-tiny").withSize(64));
      tiny.initialize(m, DataType.FLOAT32, tiny.inputShape(1));
      assertThat(DarknetWeightsReader.floatCount(tiny)).isEqualTo(8858734L);
      NDList out = tiny.forward(new ParameterStore(m, false),
          new NDList(m.randomUniform(0, 1, new Shape(2, 3, 64, 64))), false);
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 255, 2, 2));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 255, 4, 4));
    }
  }
}
