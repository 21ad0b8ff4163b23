package dev.kiln.steps.detector;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.steps.evaluate.CocoMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The detector quality benchmark: synthetic shapes → TFRecords → {@code weights} (from a Darknet
 * file it writes itself) → {@code train} under a time limit → evaluation of the saved model on the
 * held-out split → {@code detect}. Prints one JSON summary line at the end. See {@code
 * docs/benchmarks.md} for the command and the numbers measured.
 *
 * <p>Usage: {@code DetectorBench WORK_DIR [IMAGES=1000] [SIZE=128] [SECONDS=240] [BATCH=16]
 * [LR=0.002] [MAX_STEPS=0]}.
 */
public final class DetectorBench {
  private DetectorBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: DetectorBench WORK_DIR [IMAGES=1000] [SIZE=128] [SECONDS=240] [BATCH=16]"
              + " [LR=0.002] [MAX_STEPS=0]");
      System.exit(2);
    }
    Path work = Path.of(args[0]);
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 240;
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 16;
    double lr = args.length > 5 ? Double.parseDouble(args[5]) : 0.002;
    int maxSteps = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    if (Files.exists(work)) {
      throw new IllegalArgumentException(work + " exists; give a new folder");
    }
    long t0 = System.nanoTime();
    Path inputs = ShapesData.prepare(work.resolve("data"), images, size, 42);
    System.out.println("data ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");

    Path wIn = work.resolve("weights/inputs");
    try (NDManager m = NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny"));
      net.initialize(m, DataType.FLOAT32, net.inputShape(1));
      net.initHeadPriors();
      DarknetWeightsWriter.write(wIn.resolve("weights/shapes-tiny.weights"), net, 0);
    }
    Path wOut = work.resolve("weights/outputs");
    new WeightsFunction()
        .run(new FolderStepContext(
            Map.of("cfg", ParamValue.of("shapes-tiny"), "weights_num_classes", ParamValue.of(3)),
            wIn, wOut, System.out));

    Path tIn = work.resolve("train/inputs");
    for (String s : List.of("train", "test", "classes")) {
      copyDir(inputs.resolve(s), tIn.resolve(s));
    }
    copyDir(wOut.resolve("model"), tIn.resolve("model"));
    Path tOut = work.resolve("train/outputs");
    Map<String, ParamValue> p = new LinkedHashMap<>();
    p.put("batch_size", ParamValue.of(batch));
    p.put("epochs", ParamValue.of(1000));
    p.put("max_steps", ParamValue.of(maxSteps > 0 ? maxSteps : 100_000));
    p.put("learning_rate", ParamValue.of(lr));
    p.put("warmup_steps", ParamValue.of(50));
    p.put("train_steps_per_eval", ParamValue.of(150));
    p.put("size", ParamValue.of(size));
    p.put("aug_scale_min", ParamValue.of(0.75));
    p.put("aug_scale_max", ParamValue.of(1.25));
    p.put("time_limit_seconds", ParamValue.of(seconds));
    long trainStart = System.nanoTime();
    FolderStepContext train = new FolderStepContext(p, tIn, tOut, System.out);
    new TrainFunction().run(train);
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;

    // evaluate what train wrote, from disk, on the whole held-out split
    List<Path> testFiles = listFiles(inputs.resolve("test"));
    List<Sample> test = TfRecordSamples.read(testFiles, 0, 3);
    CocoMetrics metrics;
    try (NDManager m = NDManager.newBaseManager()) {
      SavedDetector.Loaded model = SavedDetector.load(tOut.resolve("model"), m);
      List<List<Detection>> dets = Inference.detect(model.network(), m,
          test.stream().map(Sample::image).toList(),
          new YoloDecoder(model.network().cfg(), 0.01f, 0.5f, 100), 16);
      metrics = Evaluation.coco(test, dets, model.classes());
    }
    System.out.println(metrics.summaryText());

    Path dIn = work.resolve("detect/inputs");
    copyDir(inputs.resolve("classes"), dIn.resolve("classes"));
    copyDir(tOut.resolve("model"), dIn.resolve("model"));
    copyDir(inputs.resolve("test"), dIn.resolve("image"));
    new DetectFunction()
        .run(new FolderStepContext(Map.of("size", ParamValue.of(size),
            "score_threshold", ParamValue.of(0.3)), dIn, work.resolve("detect/outputs"),
            System.out));

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("bench", "shapes-tiny");
    summary.put("images", images);
    summary.put("size", size);
    summary.put("train_images", listFiles(inputs.resolve("train")).isEmpty() ? 0
        : TfRecordSamples.read(listFiles(inputs.resolve("train")), 0, 3).size());
    summary.put("test_images", test.size());
    summary.put("train_seconds", Math.round(trainSeconds));
    summary.put("steps", train.metrics().stream().filter(m -> m.containsKey("loss"))
        .reduce((a, b) -> b).map(m -> m.get("step")).orElse(0));
    summary.put("AP", metrics.ap());
    summary.put("AP50", metrics.ap50());
    summary.put("AP75", metrics.ap75());
    summary.put("total_seconds", Math.round((System.nanoTime() - t0) / 1e9));
    summary.put("cpus", Runtime.getRuntime().availableProcessors());
    System.out.println(new ObjectMapper().writeValueAsString(summary));
  }

  private static List<Path> listFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    for (Path f : listFiles(from)) {
      Files.copy(f, to.resolve(f.getFileName()));
    }
  }
}
