package dev.kiln.steps.detector;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.kiln.pipelines.spi.Predictor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector model folder loaded once, answering images in forward passes of up to {@code
 * batchSize}: the {@code detect} step writes its answers to files, an endpoint sends them over
 * HTTP. Each image is stretched to the network's input size, as in training. Thread-safe: calls
 * are serialised, since one network runs one forward pass at a time.
 */
public final class DetectorPredictor implements Predictor<BufferedImage, ImageDetections> {
  private final NDManager manager;
  private final SavedDetector.Loaded loaded;
  private final YoloDecoder decoder;
  private final Device device;
  private final int batchSize;
  private boolean closed;

  private DetectorPredictor(
      NDManager manager, SavedDetector.Loaded loaded, YoloDecoder decoder, Device device,
      int batchSize) {
    this.manager = manager;
    this.loaded = loaded;
    this.decoder = decoder;
    this.device = device;
    this.batchSize = batchSize;
  }

  /**
   * Loads {@code dir} on {@code device}.
   *
   * @param size the input size in pixels, {@code <= 0} for the saved one
   * @param batchSize the most images of one forward pass
   */
  public static DetectorPredictor load(
      Path dir, Device device, int size, float scoreThreshold, float iouThreshold, int batchSize)
      throws IOException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
    }
    NDManager manager = NDManager.newBaseManager(device);
    try {
      SavedDetector.Loaded loaded = SavedDetector.load(dir, manager, size);
      YoloDecoder decoder = new YoloDecoder(
          loaded.network().cfg(), scoreThreshold, iouThreshold, DetectFunction.MAX_DETECTIONS);
      return new DetectorPredictor(manager, loaded, decoder, device, batchSize);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The class names the folder lists (may be empty), label 0 first. */
  public List<String> classes() {
    return loaded.classes();
  }

  /** How many classes the network predicts. */
  public int numClasses() {
    return loaded.network().cfg().numClasses();
  }

  /** The network's input size in pixels (square). */
  public int inputSize() {
    return loaded.network().cfg().width();
  }

  /** The cfg name the folder was saved with. */
  public String networkName() {
    return loaded.network().cfg().name();
  }

  public Device device() {
    return device;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Detections of each image, in order. */
  public synchronized List<List<Detection>> detect(List<BufferedImage> images) {
    if (closed) {
      throw new IllegalStateException("the detector predictor is closed");
    }
    return Inference.detect(loaded.network(), manager, images, decoder, batchSize);
  }

  @Override
  public List<ImageDetections> batchPredict(List<BufferedImage> inputs) {
    List<ImageDetections> out = new ArrayList<>(inputs.size());
    for (List<Detection> d : detect(inputs)) {
      out.add(new ImageDetections(d));
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}
