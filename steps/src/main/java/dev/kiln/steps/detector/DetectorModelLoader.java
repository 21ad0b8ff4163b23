package dev.kiln.steps.detector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.spi.ModelLoader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads the detector model folder ({@link SavedDetector#FORMAT}) for whoever serves models.
 * Options: {@code device}, {@code size} (0: the saved one), {@code score_threshold} (0.5), {@code
 * iou_threshold} (0.5), {@code batch_size} (16), as the {@code detect} step's parameters.
 */
public final class DetectorModelLoader implements ModelLoader<BufferedImage, ImageDetections> {
  private static final Set<String> OPTIONS =
      Set.of("device", "size", "score_threshold", "iou_threshold", "batch_size");

  @Override
  public String artifactType() {
    return SavedDetector.FORMAT;
  }

  @Override
  public Class<BufferedImage> inputType() {
    return BufferedImage.class;
  }

  @Override
  public Class<ImageDetections> outputType() {
    return ImageDetections.class;
  }

  @Override
  public boolean accepts(Path dir) {
    Path meta = dir.resolve(SavedDetector.META);
    if (!Files.isRegularFile(meta)) {
      return false;
    }
    try {
      return SavedDetector.FORMAT.equals(
          new ObjectMapper().readTree(meta.toFile()).path("format").asText());
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public DetectorPredictor load(Path dir, Map<String, String> options) throws IOException {
    Set<String> unknown = new TreeSet<>(options.keySet());
    unknown.removeAll(OPTIONS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown detector option(s) " + unknown + " (known: "
          + new TreeSet<>(OPTIONS) + ")");
    }
    return DetectorPredictor.load(
        dir,
        DetectorDevice.choose(options.get("device"), line -> {}),
        integer(options, "size", 0),
        (float) real(options, "score_threshold", 0.5),
        (float) real(options, "iou_threshold", 0.5),
        integer(options, "batch_size", 16));
  }

  private static int integer(Map<String, String> o, String name, int dflt) {
    String v = o.get(name);
    try {
      return v == null ? dflt : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was \"" + v + "\"");
    }
  }

  private static double real(Map<String, String> o, String name, double dflt) {
    String v = o.get(name);
    try {
      double d = v == null ? dflt : Double.parseDouble(v.trim());
      if (!(d >= 0 && d <= 1)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number in [0, 1], was \"" + v + "\"");
    }
  }
}
