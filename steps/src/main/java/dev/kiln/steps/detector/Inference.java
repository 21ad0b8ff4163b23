package dev.kiln.steps.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Batched forward passes and decoding, shared by training-time evaluation and {@code detect}. */
public final class Inference {
  private Inference() {}

  /** Detections for each image (any size: each is stretched to the network's input size). */
  public static List<List<Detection>> detect(
      DarknetNetwork network,
      NDManager manager,
      List<BufferedImage> images,
      YoloDecoder decoder,
      int batchSize) {
    DarknetCfg cfg = network.cfg();
    int size = cfg.width();
    List<List<Detection>> out = new ArrayList<>();
    for (int start = 0; start < images.size(); start += batchSize) {
      int n = Math.min(batchSize, images.size() - start);
      float[] data = new float[n * 3 * size * size];
      for (int i = 0; i < n; i++) {
        BufferedImage img = images.get(start + i);
        if (img.getWidth() != size || img.getHeight() != size) {
          img = Images.resize(img, size);
        }
        Images.toChw(img, data, i * 3 * size * size);
      }
      try (NDManager m = manager.newSubManager()) {
        NDArray x = m.create(data, new Shape(n, 3, size, size));
        NDList heads = network.forward(new ParameterStore(m, false), new NDList(x), false);
        out.addAll(decoder.decode(heads));
      }
    }
    return out;
  }
}
