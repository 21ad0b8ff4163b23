package dev.kiln.steps.detector;

import java.util.List;

/** What a detector found in one image, best first: the output type of {@link DetectorPredictor}. */
public record ImageDetections(List<Detection> detections) {
  public ImageDetections {
    detections = List.copyOf(detections);
  }
}
