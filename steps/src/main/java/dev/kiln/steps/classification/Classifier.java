package dev.kiln.steps.classification;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Batched inference: class probabilities per image, and EasyMaker's ranked response. */
public final class Classifier {
  private final Block block;
  private final List<String> labels;
  private final int inputSize;

  public Classifier(Block block, List<String> labels, int inputSize) {
    this.block = block;
    this.labels = List.copyOf(labels);
    this.inputSize = inputSize;
  }

  /** One entry of EasyMaker's response. */
  public record Score(double score, String label) {}

  /** Softmax probabilities for each image (RGB bytes at the input size), in label order. */
  public float[][] probabilities(NDManager manager, List<byte[]> images, int batchSize) {
    float[][] out = new float[images.size()][];
    int plane = 3 * inputSize * inputSize;
    for (int start = 0; start < images.size(); start += batchSize) {
      int n = Math.min(batchSize, images.size() - start);
      float[] data = new float[n * plane];
      for (int i = 0; i < n; i++) {
        ClassifierImages.toChw(images.get(start + i), inputSize, data, i * plane, false);
      }
      try (NDManager m = manager.newSubManager()) {
        NDArray x = m.create(data, ClassifierNetworks.inputShape(n, inputSize));
        NDArray logits =
            block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
        float[] p = logits.softmax(1).toFloatArray();
        int k = labels.size();
        for (int i = 0; i < n; i++) {
          float[] row = new float[k];
          System.arraycopy(p, i * k, row, 0, k);
          out[start + i] = row;
        }
      }
    }
    return out;
  }

  /** The label with the highest probability. */
  public String top(float[] probabilities) {
    int best = 0;
    for (int c = 1; c < probabilities.length; c++) {
      if (probabilities[c] > probabilities[best]) {
        best = c;
      }
    }
    return labels.get(best);
  }

  /** Every label with its score, highest first (ties in label order). */
  public List<Score> ranked(float[] probabilities) {
    List<Score> scores = new ArrayList<>();
    for (int c = 0; c < probabilities.length; c++) {
      scores.add(new Score(probabilities[c], labels.get(c)));
    }
    scores.sort(Comparator.comparingDouble(Score::score).reversed());
    return scores;
  }

  public List<String> labels() {
    return labels;
  }
}
