package dev.kiln.runner.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.web.LineageServer;
import dev.kiln.lineage.web.WebConfig;
import dev.kiln.lineage.web.WebServerException;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import dev.kiln.runner.tuning.TuningReport;
import dev.kiln.steps.ShapesDemo;
import dev.kiln.steps.TrainSuperbai;
import dev.kiln.steps.detector.DarknetCfg;
import dev.kiln.steps.detector.DarknetNetwork;
import dev.kiln.steps.detector.DarknetWeightsWriter;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln demo}: the reference pipeline end to end with nothing downloaded. It generates the
 * synthetic shapes dataset (COCO), writes a Darknet weights file for the {@code shapes-tiny} cfg,
 * and runs {@link ShapesDemo} ({@code convert} on Beam and {@code weights} in parallel, {@code
 * train} on DJL, {@code detect} on the held-out images, {@code evaluate}), then prints AP and AP50,
 * where the drawn images are, and how to look at the run.
 *
 * <p>The dataset and weights file are made once per seed and size and kept in {@code
 * KILN_HOME/demo/}; they are the run's inputs, so the lineage of every detection leads back to
 * them.
 */
@Command(
    name = "demo",
    description = {
      "Run the reference detector pipeline end to end on a generated shapes dataset (no network).",
      "Progress goes to standard error; the run id is printed alone on standard output."
    })
final class DemoCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ConsoleOptions consoleOptions = new ConsoleOptions();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--from-yaml", description = "run the pipeline from its valohai.yaml, not the DSL")
  boolean fromYaml;

  @Option(names = "--images", paramLabel = "N", description = "images to generate (default ${DEFAULT-VALUE})")
  int images = 600;

  @Option(names = "--image-size", paramLabel = "PX", description = "image side in pixels (default ${DEFAULT-VALUE})")
  int imageSize = 128;

  @Option(
      names = "--train-seconds",
      paramLabel = "S",
      description = "training time limit in seconds (default 240; 75 per trial with --tune)")
  Integer trainSeconds;

  @Option(
      names = "--max-steps",
      paramLabel = "N",
      description = "training steps; 0: the time limit and epochs decide (default ${DEFAULT-VALUE})")
  int maxSteps = 0;

  @Option(names = "--epochs", paramLabel = "N", description = "training epochs (default ${DEFAULT-VALUE})")
  int epochs = 60;

  @Option(names = "--seed", paramLabel = "N", description = "dataset seed (default ${DEFAULT-VALUE})")
  long seed = 7;

  @Option(names = "--param", paramLabel = "NODE.NAME=VALUE", description = "override any node parameter")
  List<String> params;

  @Option(names = "--cpus", paramLabel = "N", description = "executions that may run at once")
  Integer cpus;

  @Option(
      names = "--tune",
      description =
          "tune train: initial_learning_rate on a log scale 0.001-0.1, 6 trials, 2 at a time,"
              + " maximising AP; each trial trains for --train-seconds (default 75 with --tune)")
  boolean tune;

  @Option(
      names = "--algorithm",
      paramLabel = "NAME",
      description =
          "detection (default): the detector pipeline; classification: the image-classification"
              + " pipeline on generated shapes (--images, --image-size, --epochs, --tune and"
              + " --serve apply to detection)")
  String algorithm = "detection";

  @Option(names = "--serve", description = "keep the viewer running afterwards (Ctrl-C stops it)")
  boolean serve;

  @Option(names = "--port", paramLabel = "PORT", description = "the viewer's port with --serve (default ${DEFAULT-VALUE})")
  int port = 8080;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (images < 10) {
      throw new UserException("--images " + images + ": the demo needs at least 10 images");
    }
    long started = System.nanoTime();
    int trainSeconds = this.trainSeconds != null ? this.trainSeconds : tune ? 75 : 240;
    if (tune && fromYaml) {
      throw new UserException("--tune runs the Java DSL pipeline; leave out --from-yaml");
    }
    if (algorithm.equals("classification")) {
      try (KilnRuntime runtime = KilnRuntime.open(consoleOptions.console(err), cpus)) {
        return ClassificationDemo.run(
            runtime, fromYaml, this.trainSeconds != null ? this.trainSeconds : 120, seed, params,
            out, err);
      }
    } else if (!algorithm.equals("detection")) {
      throw new UserException(
          "--algorithm " + algorithm + ": expected detection or classification");
    }
    String pipelineName = tune ? ShapesDemo.TUNED_NAME : ShapesDemo.NAME;
    try (KilnRuntime runtime = KilnRuntime.open(consoleOptions.console(err), cpus)) {
      Path home = runtime.store.config().kilnHome();
      Path demoDir = home.resolve("demo");
      Path dataset = demoDir.resolve("shapes-" + images + "-" + imageSize + "-seed" + seed);
      err.println("kiln demo: KILN_HOME is " + home);
      dataset(dataset, err);
      int classes = SyntheticDataset.Shape.values().length;
      Path weights = demoDir.resolve("shapes-tiny-" + classes + ".weights");
      writeWeights(weights, classes, err);

      ProjectSource source = tune ? ProjectSource.load(null, pipelineName) : projectSource(demoDir);
      Map<String, List<String>> paramMap = new LinkedHashMap<>();
      paramMap.put("weights.cfg", List.of("shapes-tiny"));
      paramMap.put("weights.weights_num_classes", List.of(String.valueOf(classes)));
      paramMap.put("train.cfg", List.of("shapes-tiny"));
      paramMap.put("train.weights_num_classes", List.of(String.valueOf(classes)));
      paramMap.put("train.size", List.of(String.valueOf(imageSize)));
      paramMap.put("train.epochs", List.of(String.valueOf(epochs)));
      paramMap.put("train.max_steps", List.of(String.valueOf(maxSteps)));
      paramMap.put("train.time_limit_seconds", List.of(String.valueOf(trainSeconds)));
      // the settings bench/detector.sh measured (docs/benchmarks.md, "detector"): a larger batch
      // and learning rate, a short warm-up and milder scale augmentation reach AP50 0.99 in 240 s
      paramMap.put("train.batch_size", List.of("16"));
      paramMap.put("train.learning_rate", List.of("0.004"));
      paramMap.put("train.warmup_steps", List.of("50"));
      paramMap.put("train.train_steps_per_eval", List.of("150"));
      paramMap.put("train.aug_scale_min", List.of("0.75"));
      paramMap.put("train.aug_scale_max", List.of("1.25"));
      paramMap.put("detect.size", List.of(String.valueOf(imageSize)));
      paramMap.put("detect.score_threshold", List.of("0.3"));
      paramMap.putAll(RunSupport.keyValues(params, "--param"));
      Map<String, List<String>> inputMap = new LinkedHashMap<>();
      inputMap.put("convert.labels", List.of(dataset.toString()));
      inputMap.put("weights.weights", List.of(weights.toString()));
      inputMap.put(
          "evaluate.annotations",
          List.of(dataset.resolve(SyntheticDataset.TEST).resolve(SyntheticDataset.ANNOTATIONS_FILE).toString()));
      Plan plan =
          RunSupport.plan(
              source,
              s -> Planner.plan(s.project(), s.pipeline(pipelineName), paramMap, inputMap),
              err);
      RunOptions options =
          RunOptions.of(source.source())
              .withParams(paramMap)
              .withInputs(inputMap)
              .withCommit(RunSupport.commitOf(null, null, err));
      err.println(
          "kiln demo: running " + pipelineName + " (convert and weights, then train for at most "
              + trainSeconds + " s" + (tune ? " per trial, 6 trials of initial_learning_rate 2 at a time" : "")
              + ", detect, evaluate)" + (fromYaml ? " from valohai.yaml" : ""));
      RunResult result =
          RunSupport.runStoppable(runtime, () -> runtime.orchestrator.run(plan, options));
      summarize(runtime.store.runDetail(result.runId(), false), home, result, started, serve, err);
      if (tune) {
        printBestTrial(runtime.store, result.runId(), err);
      }
      int code = RunSupport.report(result, out);
      if (serve) {
        serve(runtime, result.runId(), err);
      }
      return code;
    }
  }

  /** Generates the dataset unless a complete one of the same seed and size is there. */
  private void dataset(Path dir, PrintWriter err) throws IOException {
    Path done = dir.getParent().resolve(dir.getFileName() + ".complete");
    if (Files.exists(done)) {
      err.println("kiln demo: dataset " + dir + " (made earlier)");
      return;
    }
    err.println("kiln demo: generating " + images + " shapes images (" + imageSize + " px) in " + dir);
    SyntheticDataset.Summary s =
        SyntheticDataset.generate(SyntheticDataset.Options.of(images, imageSize, seed, dir));
    err.println("kiln demo: " + s.imagesPerSplit() + " images, objects per class " + s.objectsPerClass()
        + " (" + s.elapsedMillis() + " ms)");
    // the marker keeps its own name out of the inputs: convert reads every file of the folder
    Files.writeString(dir.getParent().resolve(dir.getFileName() + ".complete"), "complete\n");
  }

  /** A Darknet weights file for shapes-tiny, from a seeded random initialisation. */
  private static void writeWeights(Path file, int classes, PrintWriter err) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    err.println("kiln demo: writing Darknet weights for shapes-tiny (" + classes + " classes) to " + file);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (NDManager manager = NDManager.newBaseManager()) {
      ai.djl.engine.Engine.getInstance().setRandomSeed(1234);
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny").withClasses(classes));
      net.initialize(manager, DataType.FLOAT32, net.inputShape(1));
      DarknetWeightsWriter.write(tmp, net, 0);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private ProjectSource projectSource(Path demoDir) throws IOException {
    if (!fromYaml) {
      return ProjectSource.load(null, ShapesDemo.NAME);
    }
    Path yaml = demoDir.resolve("valohai.yaml");
    try (InputStream in = TrainSuperbai.class.getResourceAsStream(TrainSuperbai.YAML_RESOURCE)) {
      Files.createDirectories(demoDir);
      Files.write(yaml, in.readAllBytes());
    }
    return ProjectSource.load(yaml, ShapesDemo.NAME);
  }

  /** Serves the viewer on the demo's own store (H2 admits one process) until Ctrl-C. */
  private void serve(KilnRuntime runtime, String runId, PrintWriter err) throws InterruptedException {
    String token = System.getenv("KILN_TOKEN");
    LineageServer server;
    try {
      server =
          LineageServer.start(
              runtime.store,
              new WebConfig(WebConfig.DEFAULT_BIND, port, token),
              ServeCommand.routeContributors(runtime.store));
    } catch (WebServerException e) {
      throw new UserException(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "kiln-demo-serve-shutdown"));
    err.println("kiln demo: the viewer shows the run at " + server.baseUrl() + "/#/run/" + runId
        + "  (Ctrl-C stops it)");
    err.flush();
    stopped.await();
  }

  private static void summarize(
      RunDetail run, Path home, RunResult result, long started, boolean serving, PrintWriter err) {
    err.println();
    err.println("kiln demo: run " + result.runId() + " " + result.status().name().toLowerCase(Locale.ROOT)
        + " in " + formatDuration(Duration.ofNanos(System.nanoTime() - started)));
    for (ExecutionDetail e : run.executions()) {
      err.println(String.format(Locale.ROOT, "  %-9s %-10s %s%s", e.execution().nodeName(),
          e.execution().status().name().toLowerCase(Locale.ROOT), e.execution().executor(),
          e.execution().device() == null ? "" : " on " + e.execution().device()));
    }
    find(run, "evaluate")
        .map(ExecutionDetail::latestMetadata)
        .map(DemoCommand::metrics)
        .ifPresent(m -> err.println(String.format(Locale.ROOT,
            "kiln demo: held-out AP %.3f, AP50 %.3f (COCO, pycocotools semantics)",
            m.path("AP").asDouble(), m.path("AP50").asDouble())));
    find(run, "detect")
        .map(e -> home.resolve("executions").resolve(e.execution().id()).resolve("outputs").resolve("drawn"))
        .filter(Files::isDirectory)
        .ifPresent(p -> err.println("kiln demo: images with the boxes drawn: " + p));
    err.println("kiln demo: see the run with  ./kiln show " + result.runId()
        + (serving
            ? ""
            : "  or in the viewer:  ./kiln serve  then http://127.0.0.1:8080/#/run/" + result.runId()));
    err.flush();
  }

  /** The tuned train node's trials and the best one, as kiln show prints them. */
  private static void printBestTrial(
      LineageStore store, String runId, PrintWriter err) {
    store.findExecution(runId, "train")
        .flatMap(t -> TuningReport.of(store, t.id()))
        .ifPresent(
            r -> {
              for (var t : r.trials()) {
                boolean best = r.bestTrial().map(b -> b.equals(t.executionId())).orElse(false);
                err.println(String.format(Locale.ROOT, "  %s trial %d  %-13s AP %s  initial_learning_rate %s",
                    best ? "*" : " ", t.trial(), t.status().toLowerCase(Locale.ROOT),
                    t.metric().isPresent() ? String.format(Locale.ROOT, "%.3f", t.metric().getAsDouble()) : "-",
                    shortNumber(t.parameters().getOrDefault("initial_learning_rate", "-"))));
              }
              r.bestTrial()
                  .flatMap(b -> r.trials().stream().filter(t -> t.executionId().equals(b)).findFirst())
                  .ifPresent(
                      b ->
                          err.println("kiln demo: best trial " + b.trial() + " (initial_learning_rate "
                              + shortNumber(b.parameters().get("initial_learning_rate"))
                              + "); detect used its model"));
            });
  }

  private static String shortNumber(String s) {
    try {
      return String.format(Locale.ROOT, "%.4g", Double.parseDouble(s));
    } catch (RuntimeException e) {
      return s;
    }
  }

  private static Optional<ExecutionDetail> find(RunDetail run, String node) {
    return run.executions().stream().filter(e -> e.execution().nodeName().equals(node)).reduce((a, b) -> b);
  }

  private static JsonNode metrics(MetadataEntry m) {
    try {
      return JSON.readTree(m.json());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static String formatDuration(Duration d) {
    return d.toMinutes() > 0
        ? d.toMinutes() + " min " + d.toSecondsPart() + " s"
        : d.toSecondsPart() + " s";
  }
}
