package dev.kiln.steps.classification;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code classify} step (node {@code predict} in the reference pipeline): for each PNG or JPEG
 * of the {@code images} input, {@code predictions/<relative path>.json} holding EasyMaker's
 * response, {@code [{"score": 0.97, "label": "cat"}, ...]}, every label, highest score first.
 * Files that do not decode are skipped, logged and counted; if none decodes the step fails.
 */
public final class ClassifyFunction implements StepFunction {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void run(StepContext context) throws Exception {
    int batch = ClassificationSteps.intParam(context, ClassificationSteps.EVAL_BATCH);
    Path modelDir = SavedClassifier.locate(context.inputFiles("model"), "model");
    Path root = context.inputDir("images");
    List<Path> files =
        context.inputFiles("images").stream()
            .filter(p -> ClassifierImages.isImageName(p.getFileName().toString()))
            .toList();
    try (NDManager manager = NDManager.newBaseManager(ClassifierDevice.choose(context))) {
      SavedClassifier.Loaded loaded = SavedClassifier.load(modelDir, manager);
      int size = loaded.info().inputSize();
      Classifier classifier = new Classifier(loaded.block(), loaded.info().labels(), size);
      List<Path> ok = new ArrayList<>();
      List<byte[]> images = new ArrayList<>();
      int skipped = 0;
      for (Path f : files) {
        try {
          images.add(ClassifierImages.load(f, size));
          ok.add(f);
        } catch (IOException e) {
          context.log("skipped images/" + root.relativize(f) + ": " + e.getMessage());
          skipped++;
        }
      }
      if (images.isEmpty()) {
        throw new ClassificationInputException(
            "input \"images\": no readable PNG or JPEG image (" + files.size() + " image files, "
                + skipped + " did not decode)");
      }
      float[][] p = classifier.probabilities(manager, images, batch);
      Path out = context.outputDir().resolve("predictions");
      for (int i = 0; i < ok.size(); i++) {
        List<Map<String, Object>> response = new ArrayList<>();
        for (Classifier.Score s : classifier.ranked(p[i])) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("score", ClassificationEvaluation.round(s.score()));
          e.put("label", s.label());
          response.add(e);
        }
        Path target = out.resolve(root.relativize(ok.get(i)).toString() + ".json");
        Files.createDirectories(target.getParent());
        Files.writeString(target, JSON.writeValueAsString(response) + "\n");
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("images", ok.size());
      m.put("skipped", skipped);
      context.logMetrics(m);
      context.log("classified " + ok.size() + " images into predictions/");
    }
  }
}
