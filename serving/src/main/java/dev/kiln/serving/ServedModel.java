package dev.kiln.serving;

import dev.kiln.pipelines.spi.Predictor;
import dev.kiln.steps.detector.ImageDetections;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * A loaded detector and what the protocols say about it.
 *
 * @param version the model version in {@code /v2/models/NAME} answers: the execution id that
 *     made it when known, else "1"
 * @param artifactType the loader's artifact type, the KServe {@code platform}
 * @param labels class names, label 0 first; classes beyond them are named by number from 1
 * @param inputSize the network's input size, for the warm-up image
 */
public record ServedModel(
    String version,
    String artifactType,
    List<String> labels,
    int inputSize,
    Predictor<BufferedImage, ImageDetections> predictor) {
  public ServedModel {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(artifactType, "artifactType");
    labels = List.copyOf(labels);
    Objects.requireNonNull(predictor, "predictor");
  }

  /** The class name of a label from 0. */
  public String label(int classId) {
    return classId >= 0 && classId < labels.size() ? labels.get(classId)
        : String.valueOf(classId + 1);
  }
}
