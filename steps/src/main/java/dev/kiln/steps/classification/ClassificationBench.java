package dev.kiln.steps.classification;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.steps.detector.FolderStepContext;
import dev.kiln.steps.synthetic.ShapesClassificationDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classification quality benchmark: generated shapes (5 classes, seed 42) → {@code
 * train-classification} under a time limit → the test-split metrics of the saved best model.
 * Prints the step's metric lines and one JSON summary line. See {@code docs/benchmarks.md}.
 *
 * <p>Usage: {@code ClassificationBench WORK_DIR [TRAIN_PER_CLASS=300] [SIZE=28] [SECONDS=180]
 * [BATCH=32] [LR=0.003] [ARCHITECTURE=simple-cnn] [EPOCHS=30]}.
 */
public final class ClassificationBench {
  private ClassificationBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ClassificationBench WORK_DIR [TRAIN_PER_CLASS=300] [SIZE=28]"
          + " [SECONDS=180] [BATCH=32] [LR=0.003] [ARCHITECTURE=simple-cnn] [EPOCHS=30]");
      System.exit(2);
    }
    Path work = Path.of(args[0]);
    int perClass = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 28;
    double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 180;
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    double lr = args.length > 5 ? Double.parseDouble(args[5]) : 0.003;
    String arch = args.length > 6 ? args[6] : ClassifierNetworks.SIMPLE_CNN;
    int epochs = args.length > 7 ? Integer.parseInt(args[7]) : 30;
    Path inputs = work.resolve("inputs");
    if (!Files.isDirectory(inputs.resolve("test"))) {
      ShapesClassificationDataset.generate(
          new ShapesClassificationDataset.Options(
              perClass, Math.max(20, perClass / 5), Math.max(40, perClass / 3), size, 42, inputs));
    }
    Map<String, ParamValue> p = new LinkedHashMap<>();
    p.put("architecture", ParamValue.of(arch));
    p.put("input_size", ParamValue.of((long) size));
    p.put("learning_rate", ParamValue.of(lr));
    p.put("per_device_train_batch_size", ParamValue.of((long) batch));
    p.put("per_device_eval_batch_size", ParamValue.of(64L));
    p.put("num_train_epochs", ParamValue.of((long) epochs));
    p.put("save_steps", ParamValue.of(200L));
    p.put("logging_steps", ParamValue.of(20L));
    p.put("time_limit_seconds", ParamValue.of(seconds));
    Path out = work.resolve("out-" + System.currentTimeMillis());
    FolderStepContext c = new FolderStepContext(p, inputs, out, System.out);
    long t0 = System.nanoTime();
    new TrainClassificationFunction().run(c);
    double wall = (System.nanoTime() - t0) / 1e9;
    List<Map<String, Object>> m = c.metrics();
    Map<String, Object> test = m.get(m.size() - 1);
    long steps = m.stream().filter(e -> e.containsKey("loss")).mapToLong(e -> ((Number) e.get("step")).longValue()).max().orElse(0);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("architecture", arch);
    summary.put("input_size", size);
    summary.put("train_images", perClass * ShapesClassificationDataset.Shape.values().length);
    summary.put("steps", steps);
    summary.put("time_limit_seconds", seconds);
    summary.put("wall_seconds", Math.round(wall * 10) / 10.0);
    summary.put("test_accuracy", test.get("accuracy"));
    summary.put("test_f1", test.get("f1"));
    summary.put("best_step", test.get("step"));
    System.out.println(new ObjectMapper().writeValueAsString(summary));
  }
}
