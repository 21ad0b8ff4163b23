package dev.kiln.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import dev.kiln.steps.classification.ClassificationSteps;
import dev.kiln.steps.synthetic.ShapesClassificationDataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kiln demo --algorithm classification}: the {@code image-classification} pipeline on a
 * generated shapes dataset in EasyMaker's layout (5 classes, 28 px; 300 train, 60 validation, 100
 * test images per class), {@code simple-cnn} under a time limit, then {@code predict} on the test
 * images; prints the test metrics.
 */
final class ClassificationDemo {
  private ClassificationDemo() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int SIZE = 28;

  static int run(
      KilnRuntime runtime, boolean fromYaml, int trainSeconds, long seed, List<String> params,
      PrintWriter out, PrintWriter err) throws IOException {
    Path home = runtime.store.config().kilnHome();
    Path demoDir = home.resolve("demo");
    Path dataset = demoDir.resolve("classification-shapes-" + SIZE + "-seed" + seed);
    Path done = demoDir.resolve(dataset.getFileName() + ".complete");
    err.println("kiln demo: KILN_HOME is " + home);
    if (Files.exists(done)) {
      err.println("kiln demo: dataset " + dataset + " (made earlier)");
    } else {
      err.println("kiln demo: generating the shapes classification dataset in " + dataset);
      Map<String, Integer> counts =
          ShapesClassificationDataset.generate(
              new ShapesClassificationDataset.Options(300, 60, 100, SIZE, seed, dataset));
      err.println("kiln demo: images per split " + counts);
      Files.writeString(done, "complete\n");
    }
    String name = ClassificationSteps.PIPELINE;
    ProjectSource source;
    if (fromYaml) {
      Path yaml = demoDir.resolve("image-classification.valohai.yaml");
      try (InputStream in =
          ClassificationSteps.class.getResourceAsStream(ClassificationSteps.YAML_RESOURCE)) {
        Files.write(yaml, in.readAllBytes());
      }
      source = ProjectSource.load(yaml, name);
    } else {
      source = ProjectSource.load(null, name);
    }
    Map<String, List<String>> paramMap = new LinkedHashMap<>();
    paramMap.put("train.architecture", List.of("simple-cnn"));
    paramMap.put("train.input_size", List.of(String.valueOf(SIZE)));
    paramMap.put("train.learning_rate", List.of("0.003"));
    paramMap.put("train.per_device_train_batch_size", List.of("32"));
    paramMap.put("train.per_device_eval_batch_size", List.of("64"));
    paramMap.put("train.num_train_epochs", List.of("30"));
    paramMap.put("train.save_steps", List.of("200"));
    paramMap.put("train.logging_steps", List.of("20"));
    paramMap.put("train.time_limit_seconds", List.of(String.valueOf(trainSeconds)));
    paramMap.put("predict.per_device_eval_batch_size", List.of("64"));
    paramMap.putAll(RunSupport.keyValues(params, "--param"));
    Map<String, List<String>> inputMap = new LinkedHashMap<>();
    for (String split : ShapesClassificationDataset.SPLITS) {
      inputMap.put("train." + split, List.of(dataset.resolve(split).toString()));
    }
    inputMap.put("predict.images", List.of(dataset.resolve("test").toString()));
    Plan plan =
        RunSupport.plan(source, s -> Planner.plan(s.project(), s.pipeline(name), paramMap, inputMap), err);
    RunOptions options =
        RunOptions.of(source.source())
            .withParams(paramMap)
            .withInputs(inputMap)
            .withCommit(RunSupport.commitOf(null, null, err));
    err.println("kiln demo: running " + name + " (train simple-cnn for at most " + trainSeconds
        + " s, then predict on the test images)" + (fromYaml ? " from valohai.yaml" : ""));
    RunResult result = RunSupport.runStoppable(runtime, () -> runtime.orchestrator.run(plan, options));
    RunDetail run = runtime.store.runDetail(result.runId(), false);
    err.println();
    err.println("kiln demo: run " + result.runId() + " " + result.status().name().toLowerCase(Locale.ROOT));
    for (ExecutionDetail e : run.executions()) {
      String node = e.execution().nodeName();
      if (node.equals("train")) {
        // the test line is the last one train logs
        java.util.Optional.ofNullable(e.latestMetadata())
            .map(ClassificationDemo::json)
            .filter(j -> "test".equals(j.path("split").asText()))
            .ifPresent(j -> err.println(String.format(Locale.ROOT,
                "kiln demo: test accuracy %.4f, precision %.4f, recall %.4f, f1 %.4f (macro) on %d images",
                j.path("accuracy").asDouble(), j.path("precision").asDouble(),
                j.path("recall").asDouble(), j.path("f1").asDouble(), j.path("test_images").asInt())));
      }
      Path predictions =
          home.resolve("executions").resolve(e.execution().id()).resolve("outputs").resolve("predictions");
      if (node.equals("predict") && Files.isDirectory(predictions)) {
        err.println("kiln demo: predictions: " + predictions);
      }
    }
    err.println("kiln demo: see the run with  ./kiln show " + result.runId());
    err.flush();
    return RunSupport.report(result, out);
  }

  private static JsonNode json(MetadataEntry m) {
    try {
      return JSON.readTree(m.json());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
