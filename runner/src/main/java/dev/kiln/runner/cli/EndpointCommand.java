package dev.kiln.runner.cli;

import dev.kiln.pipelines.spi.ModelLoader;
import dev.kiln.pipelines.spi.ModelLoaders;
import dev.kiln.pipelines.spi.Predictor;
import dev.kiln.serving.EndpointException;
import dev.kiln.serving.EndpointServer;
import dev.kiln.serving.EndpointSettings;
import dev.kiln.serving.ModelRef;
import dev.kiln.serving.ServedModel;
import dev.kiln.steps.detector.DetectorPredictor;
import dev.kiln.steps.detector.ImageDetections;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln endpoint serve --model REF ...}: a trained model as an inference server. */
@Command(
    name = "endpoint",
    mixinStandardHelpOptions = true,
    description = "Serve a trained model over HTTP (KServe v2, TF Serving / AI Platform,"
        + " EasyMaker, SageMaker); docs/serving.md.",
    subcommands = {EndpointCommand.Serve.class})
final class EndpointCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The serves running in this JVM, stopped by SIGTERM (the shutdown hook) or by tests. */
  static final Set<CountDownLatch> RUNNING = ConcurrentHashMap.newKeySet();

  /** Stops every serve of this JVM as SIGTERM does: drain, then return. */
  static void stopAll() {
    RUNNING.forEach(CountDownLatch::countDown);
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Load a model once, run a warm-up batch, then answer requests until stopped (Ctrl-C or",
        "SIGTERM drain the requests in flight first)."
      })
  static final class Serve implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "REF",
        description = "a model folder, a datum:// of a file of a model output, or RUN_ID/NODE"
            + " (that node's model output in the lineage store)")
    String model;

    @Option(names = "--name", description = "the model name in URLs (default: the node's or the"
        + " folder's name)")
    String name;

    @Option(names = "--port", defaultValue = "8501",
        description = "port, 0 for any free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = EndpointSettings.DEFAULT_BIND,
        description = "address to listen on (default ${DEFAULT-VALUE}: this machine only)")
    String bind;

    @Option(names = "--max-batch-size", defaultValue = "16",
        description = "most images in one forward pass; 1 turns batching off (default"
            + " ${DEFAULT-VALUE})")
    int maxBatchSize;

    @Option(names = "--max-delay-ms", defaultValue = "5",
        description = "how long a request waits for others to share its forward pass (default"
            + " ${DEFAULT-VALUE})")
    long maxDelayMs;

    @Option(names = "--max-body-mb", defaultValue = "20",
        description = "largest request body in MB; larger ones get 413 (default ${DEFAULT-VALUE})")
    int maxBodyMb;

    @Option(names = "--max-pixels", defaultValue = "40000000",
        description = "largest image (width x height) decoded; larger ones get 400 (default"
            + " ${DEFAULT-VALUE})")
    long maxPixels;

    @Option(names = "--queue", defaultValue = "256",
        description = "images that may wait for a forward pass; more get 503 with Retry-After"
            + " (default ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--device", description = "cpu or cuda:N (default: a GPU when the engine"
        + " sees one, else the CPU)")
    String device;

    @Option(names = "--score-threshold", defaultValue = "0.5",
        description = "lowest score of a returned detection (default ${DEFAULT-VALUE})")
    double scoreThreshold;

    @Option(names = "--iou-threshold", defaultValue = "0.5",
        description = "non-maximum suppression overlap (default ${DEFAULT-VALUE})")
    double iouThreshold;

    @Option(names = "--size", defaultValue = "0",
        description = "network input size in pixels, 0 for the saved one (default"
            + " ${DEFAULT-VALUE})")
    int size;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws InterruptedException {
      var out = spec.commandLine().getOut();
      EndpointSettings settings;
      ModelLoaders loaders = ModelLoaders.load();
      try (ModelRef ref = resolve(loaders)) {
        try {
          settings = EndpointSettings.of(name != null ? name : ref.name())
              .withBind(bind).withPort(port).withMaxBatchSize(maxBatchSize)
              .withMaxDelayMillis(maxDelayMs).withMaxBodyBytes((long) maxBodyMb << 20)
              .withMaxPixels(maxPixels).withQueueCapacity(Math.max(queue, maxBatchSize));
        } catch (IllegalArgumentException e) {
          throw new UserException(e.getMessage());
        }
        ModelLoader<?, ?> loader = loaders.require(ref.dir());
        if (loader.inputType() != BufferedImage.class
            || loader.outputType() != ImageDetections.class) {
          throw new UserException(ref.description() + " is a " + loader.artifactType()
              + "; endpoints serve detectors (kiln-darknet-detector) so far");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (device != null) {
          options.put("device", device);
        }
        options.put("size", String.valueOf(size));
        options.put("score_threshold", String.valueOf(scoreThreshold));
        options.put("iou_threshold", String.valueOf(iouThreshold));
        options.put("batch_size", String.valueOf(maxBatchSize));
        out.println("loading " + ref.description() + " ...");
        out.flush();
        Predictor<BufferedImage, ImageDetections> predictor;
        try {
          predictor = (Predictor<BufferedImage, ImageDetections>) loader.load(ref.dir(), options);
        } catch (IllegalArgumentException e) {
          throw new UserException(ref.description() + ": " + e.getMessage());
        } catch (IOException e) {
          throw new UserException("cannot load " + ref.description() + ": " + e.getMessage());
        }
        try (predictor) {
          List<String> labels = List.of();
          int inputSize = 416;
          String where = "";
          if (predictor instanceof DetectorPredictor d) {
            labels = d.classes();
            inputSize = d.inputSize();
            where = " on " + (d.device().isGpu() ? "cuda:" + d.device().getDeviceId() : "cpu");
          }
          ServedModel served = new ServedModel(ref.version(), loader.artifactType(), labels,
              inputSize, predictor);
          EndpointServer server;
          try {
            server = EndpointServer.start(served, settings);
          } catch (EndpointException e) {
            throw new UserException(e.getMessage());
          }
          CountDownLatch stop = new CountDownLatch(1);
          CountDownLatch drained = new CountDownLatch(1);
          RUNNING.add(stop);
          Thread hook = new Thread(() -> {
            stop.countDown();
            try {
              drained.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }, "kiln-endpoint-shutdown");
          Runtime.getRuntime().addShutdownHook(hook);
          try {
            String url = server.baseUrl();
            String n = settings.name();
            out.println("Kiln endpoint \"" + n + "\" ready" + where + ": " + url
                + "  (Ctrl-C stops it)");
            out.println("  KServe v2:   POST " + url + "/v2/models/" + n + "/infer");
            out.println("  TF Serving:  POST " + url + "/v1/models/" + n + ":predict");
            out.println("  SageMaker:   POST " + url + "/invocations    metrics: GET " + url
                + "/metrics");
            out.println("try: curl -s -H 'Content-Type: image/jpeg' --data-binary @IMAGE.jpg "
                + url + "/invocations");
            if (!EndpointSettings.DEFAULT_BIND.equals(bind) && !"localhost".equals(bind)) {
              out.println("warning: listening on " + bind + ": anyone who can reach it can use"
                  + " the model");
            }
            out.flush();
            stop.await();
            out.println("stopping: answering the requests in flight");
            out.flush();
            server.close();
          } finally {
            RUNNING.remove(stop);
            drained.countDown();
            try {
              Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
              // the JVM is shutting down: the hook is running and waits for drained
            }
          }
        }
      }
      return 0;
    }

    private ModelRef resolve(ModelLoaders loaders) {
      try {
        return ModelRef.resolve(model, KilnRuntime::openStore, loaders);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
    }
  }
}
