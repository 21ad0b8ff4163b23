package dev.kiln.steps.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import dev.kiln.steps.detector.DarknetCfg.Convolutional;
import dev.kiln.steps.detector.DarknetCfg.Layer;
import dev.kiln.steps.detector.DarknetCfg.MaxPool;
import dev.kiln.steps.detector.DarknetCfg.Route;
import dev.kiln.steps.detector.DarknetCfg.Shortcut;
import dev.kiln.steps.detector.DarknetCfg.Upsample;
import dev.kiln.steps.detector.DarknetCfg.Yolo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Darknet cfg as a DJL block. Input {@code [N, C, H, W]} floats in [0, 1]; output one raw tensor
 * {@code [N, masks * (5 + classes), H / stride, W / stride]} per {@code [yolo]} head, in cfg
 * order, which {@link YoloLoss} trains and {@link YoloDecoder} turns into boxes.
 *
 * <p>The layer graph (routes, shortcuts) is walked in {@link #forwardInternal}, so one class covers
 * any cfg instead of a hand-written block per network.
 */
public final class DarknetNetwork extends AbstractBlock {
  private static final byte VERSION = 1;

  private final DarknetCfg cfg;
  private final List<Conv> convs = new ArrayList<>();
  /** For each layer, its index into {@link #convs}, or -1. */
  private final int[] convIndex;

  /** One {@code [convolutional]}: the convolution and its batch norm (null when it has a bias). */
  public record Conv(Convolutional layer, Conv2d conv, BatchNorm norm) {}

  public DarknetNetwork(DarknetCfg cfg) {
    super(VERSION);
    this.cfg = cfg;
    this.convIndex = new int[cfg.layers().size()];
    Arrays.fill(convIndex, -1);
    for (int i = 0; i < cfg.layers().size(); i++) {
      if (cfg.layers().get(i) instanceof Convolutional c) {
        Conv2d conv =
            addChildBlock(
                "conv" + i,
                Conv2d.builder()
                    .setKernelShape(new Shape(c.size(), c.size()))
                    .optStride(new Shape(c.stride(), c.stride()))
                    .optPadding(new Shape(c.padding(), c.padding()))
                    .optGroups(c.groups())
                    .setFilters(c.filters())
                    .optBias(!c.batchNormalize())
                    .build());
        BatchNorm norm = null;
        if (c.batchNormalize()) {
          norm =
              addChildBlock(
                  "bn" + i,
                  BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.97f).build());
        }
        convIndex[i] = convs.size();
        convs.add(new Conv(c, conv, norm));
      }
    }
    // He initialisation suits leaky-ReLU stacks better than DJL's default Xavier.
    setInitializer(
        new XavierInitializer(
            XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
        Parameter.Type.WEIGHT);
  }

  public DarknetCfg cfg() {
    return cfg;
  }

  /** The convolutions in cfg order: the order of their weights in a Darknet file. */
  public List<Conv> convolutions() {
    return List.copyOf(convs);
  }

  /** The input shape for a batch of {@code n} images at the cfg's size. */
  public Shape inputShape(int n) {
    return new Shape(n, cfg.channels(), cfg.height(), cfg.width());
  }

  /**
   * Sets each head's objectness bias to -4.6 (a prior of 1% objects per anchor) and class biases
   * to -2, so a freshly initialised detector starts from "nothing here" instead of a flood of
   * boxes; this shortens training a lot on small data.
   */
  public void initHeadPriors() {
    for (int i = 0; i < cfg.layers().size(); i++) {
      if (cfg.layers().get(i) instanceof Yolo y && i > 0 && convIndex[i - 1] >= 0) {
        Conv c = convs.get(convIndex[i - 1]);
        Parameter bias = c.conv().getParameters().get("bias");
        if (bias == null || !bias.isInitialized()) {
          continue;
        }
        int per = 5 + y.classes();
        float[] b = new float[y.mask().size() * per];
        for (int a = 0; a < y.mask().size(); a++) {
          b[a * per + 4] = -4.6f;
          for (int k = 0; k < y.classes(); k++) {
            b[a * per + 5 + k] = -2f;
          }
        }
        bias.getArray().set(b);
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    List<Layer> layers = cfg.layers();
    NDArray[] outs = new NDArray[layers.size()];
    NDList heads = new NDList();
    NDArray x = inputs.singletonOrThrow();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      if (l instanceof Convolutional c) {
        Conv conv = convs.get(convIndex[i]);
        x = conv.conv().forward(store, new NDList(x), training, params).singletonOrThrow();
        if (conv.norm() != null) {
          x = conv.norm().forward(store, new NDList(x), training, params).singletonOrThrow();
        }
        x = activate(x, c.activation());
      } else if (l instanceof MaxPool m) {
        x = maxPool(x, m, training);
      } else if (l instanceof Upsample u) {
        Shape s = x.getShape();
        long n = s.get(0);
        long ch = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        int f = u.stride();
        x =
            x.reshape(n, ch, h, 1, w, 1)
                .broadcast(new Shape(n, ch, h, f, w, f))
                .reshape(n, ch, h * f, w * f);
      } else if (l instanceof Route r) {
        if (r.layers().size() == 1) {
          x = outs[r.layers().get(0)];
        } else {
          NDList parts = new NDList();
          for (int ref : r.layers()) {
            parts.add(outs[ref]);
          }
          x = NDArrays.concat(parts, 1);
        }
      } else if (l instanceof Shortcut s) {
        x = activate(x.add(outs[s.from()]), s.activation());
      } else if (l instanceof Yolo) {
        heads.add(x);
      }
      outs[i] = x;
    }
    return heads;
  }

  private static NDArray activate(NDArray x, DarknetCfg.Activation a) {
    return switch (a) {
      case LEAKY -> Activation.leakyRelu(x, 0.1f);
      case LINEAR -> x;
      case MISH -> Activation.mish(x);
      case RELU -> Activation.relu(x);
      case LOGISTIC -> Activation.sigmoid(x);
    };
  }

  /**
   * A 2x2, stride-2 max pool for training, about twice as fast forward and backward as libtorch's
   * {@code max_pool2d_with_indices} on the CPU (which takes 10 ms forward for a 16x16x128x128 batch,
   * a sixth of a {@code shapes-tiny} training step; docs/benchmarks.md, "detector").
   *
   * <p>Pairs of rows, then pairs of columns, are split into views and combined with {@code max(a,
   * b) = relu(a - b) + b}: its backward is a threshold and two additions, where {@code maximum}'s
   * backward in libtorch 2.7.1 goes through a slow {@code masked_fill} on strided views. The sum
   * can differ from the larger value by one rounding of {@code a - b} (relative 1e-7 of the larger
   * magnitude), which training does not notice; inference uses the exact pool.
   */
  static NDArray maxPool2x2ForTraining(NDArray x) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    NDList rows = x.reshape(n, c, h / 2, 2 * w).split(2, 3);
    NDArray v = reluMax(rows.get(0), rows.get(1));
    NDList cols = v.reshape(n, c, h / 2, w / 2, 2).split(2, 4);
    return reluMax(cols.get(0), cols.get(1)).reshape(n, c, h / 2, w / 2);
  }

  private static NDArray reluMax(NDArray a, NDArray b) {
    return Activation.relu(a.sub(b)).add(b);
  }

  /**
   * Darknet pads a max pool on the right and bottom only ({@code size - 1} in all), so a 2x2 pool
   * with stride 1 keeps the size; edge replication gives the same maximum as Darknet's -inf pad.
   */
  private static NDArray maxPool(NDArray x, MaxPool m, boolean training) {
    if (training && m.size() == 2 && m.stride() == 2) {
      Shape s = x.getShape();
      if (s.get(2) % 2 == 0 && s.get(3) % 2 == 0) {
        return maxPool2x2ForTraining(x);
      }
    }
    if (m.stride() == 1 && m.size() == 2) {
      long h = x.getShape().get(2);
      long w = x.getShape().get(3);
      NDArray right = NDArrays.concat(new NDList(x.get(":, :, :, 1:"), x.get(":, :, :, " + (w - 1) + ":")), 3);
      NDArray y = x.maximum(right);
      NDArray down = NDArrays.concat(new NDList(y.get(":, :, 1:, :"), y.get(":, :, " + (h - 1) + ":, :")), 2);
      return y.maximum(down);
    }
    int pad = m.stride() == 1 ? (m.size() - 1) / 2 : 0;
    return Pool.maxPool2d(
        x,
        new Shape(m.size(), m.size()),
        new Shape(m.stride(), m.stride()),
        new Shape(pad, pad),
        false);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return walkShapes(inputShapes[0], null, null);
  }

  @Override
  protected void initializeChildBlocks(
      NDManager manager, DataType dataType, Shape... inputShapes) {
    walkShapes(inputShapes[0], manager, dataType);
  }

  /** Propagates shapes through the graph, initialising children when a manager is given. */
  private Shape[] walkShapes(Shape input, NDManager manager, DataType dataType) {
    List<Layer> layers = cfg.layers();
    Shape[] outs = new Shape[layers.size()];
    List<Shape> heads = new ArrayList<>();
    Shape x = input;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      if (l instanceof Convolutional) {
        Conv conv = convs.get(convIndex[i]);
        if (manager != null) {
          conv.conv().initialize(manager, dataType, x);
        }
        x = conv.conv().getOutputShapes(new Shape[] {x})[0];
        if (conv.norm() != null && manager != null) {
          conv.norm().initialize(manager, dataType, x);
        }
      } else if (l instanceof MaxPool m) {
        long h = m.stride() == 1 ? x.get(2) : x.get(2) / m.stride();
        long w = m.stride() == 1 ? x.get(3) : x.get(3) / m.stride();
        x = new Shape(x.get(0), x.get(1), h, w);
      } else if (l instanceof Upsample u) {
        x = new Shape(x.get(0), x.get(1), x.get(2) * u.stride(), x.get(3) * u.stride());
      } else if (l instanceof Route r) {
        long ch = 0;
        Shape first = outs[r.layers().get(0)];
        for (int ref : r.layers()) {
          Shape s = outs[ref];
          if (s.get(2) != first.get(2) || s.get(3) != first.get(3)) {
            throw new CfgException(
                cfg.name() + ":" + r.line() + ": [route] joins layers of different sizes " + first
                    + " and " + s + " (input size " + input + ")");
          }
          ch += s.get(1);
        }
        x = new Shape(first.get(0), ch, first.get(2), first.get(3));
      } else if (l instanceof Shortcut s) {
        if (!outs[s.from()].equals(x)) {
          throw new CfgException(
              cfg.name() + ":" + s.line() + ": [shortcut] adds " + outs[s.from()] + " to " + x);
        }
      } else if (l instanceof Yolo y) {
        long want = (long) y.mask().size() * (5 + y.classes());
        if (x.get(1) != want) {
          throw new CfgException(
              cfg.name() + ":" + y.line() + ": [yolo] with " + y.mask().size() + " masks and "
                  + y.classes() + " classes needs " + want + " channels, the layer before has "
                  + x.get(1));
        }
        heads.add(x);
      }
      outs[i] = x;
    }
    return heads.toArray(Shape[]::new);
  }
}
