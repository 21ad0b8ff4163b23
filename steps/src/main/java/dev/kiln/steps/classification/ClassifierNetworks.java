package dev.kiln.steps.classification;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The classification networks as DJL blocks. {@code resnet50} and {@code resnet18} are ResNet v1
 * (He et al. 2015: bottleneck blocks [3, 4, 6, 3], basic blocks [2, 2, 2, 2]); below 64 px the
 * stem is a 3x3 stride-1 convolution without max-pooling (the CIFAR variant), since the ImageNet
 * stem (7x7 stride 2, max-pool) would leave a 28 px image 7 px wide before the first stage. {@code
 * simple-cnn} is three conv-BN-ReLU layers for tiny images.
 */
public final class ClassifierNetworks {
  private ClassifierNetworks() {}

  public static final String RESNET50 = "resnet50";
  public static final String RESNET18 = "resnet18";
  public static final String SIMPLE_CNN = "simple-cnn";

  /** The architecture names, default first. */
  public static final List<String> ARCHITECTURES = List.of(RESNET50, RESNET18, SIMPLE_CNN);

  /** Whether {@code inputSize} gets the small-image stem. */
  public static boolean smallStem(int inputSize) {
    return inputSize < 64;
  }

  /** A fresh, uninitialised network. */
  public static Block build(String architecture, int numClasses, int inputSize) {
    switch (architecture) {
      case RESNET50:
        return resnet(new int[] {3, 4, 6, 3}, true, numClasses, smallStem(inputSize));
      case RESNET18:
        return resnet(new int[] {2, 2, 2, 2}, false, numClasses, smallStem(inputSize));
      case SIMPLE_CNN:
        return simpleCnn(numClasses);
      default:
        throw new ClassificationInputException(
            "architecture \"" + architecture + "\" is not one of " + ARCHITECTURES);
    }
  }

  /** The input shape of a batch. */
  public static Shape inputShape(int batch, int inputSize) {
    return new Shape(batch, 3, inputSize, inputSize);
  }

  private static Block simpleCnn(int numClasses) {
    return new SequentialBlock()
        .add(convBnRelu(32, 3, 1))
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(convBnRelu(64, 3, 1))
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(convBnRelu(128, 3, 1))
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(numClasses).build());
  }

  private static Block resnet(int[] stages, boolean bottleneck, int numClasses, boolean small) {
    SequentialBlock net = new SequentialBlock();
    if (small) {
      net.add(convBnRelu(64, 3, 1));
    } else {
      net.add(convBnRelu(64, 7, 2))
          .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
    }
    int width = 64;
    for (int s = 0; s < stages.length; s++) {
      for (int b = 0; b < stages[s]; b++) {
        int stride = b == 0 && s > 0 ? 2 : 1;
        boolean project = b == 0 && (s > 0 || bottleneck);
        net.add(residual(width, stride, bottleneck, project));
      }
      width *= 2;
    }
    return net.add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(numClasses).build());
  }

  private static Block residual(int width, int stride, boolean bottleneck, boolean project) {
    SequentialBlock main = new SequentialBlock();
    int out;
    if (bottleneck) {
      out = width * 4;
      main.add(convBnRelu(width, 1, 1)).add(convBnRelu(width, 3, stride)).add(conv(out, 1, 1)).add(bn());
    } else {
      out = width;
      main.add(convBnRelu(width, 3, stride)).add(conv(out, 3, 1)).add(bn());
    }
    Block shortcut =
        project ? new SequentialBlock().add(conv(out, 1, stride)).add(bn()) : Blocks.identityBlock();
    return new SequentialBlock()
        .add(
            new ParallelBlock(
                list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                List.of(main, shortcut)))
        .add(Activation::relu);
  }

  private static Block convBnRelu(int filters, int kernel, int stride) {
    return new SequentialBlock().add(conv(filters, kernel, stride)).add(bn()).add(Activation::relu);
  }

  private static Block conv(int filters, int kernel, int stride) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .optBias(false)
        .build();
  }

  private static Block bn() {
    return BatchNorm.builder().build();
  }
}
