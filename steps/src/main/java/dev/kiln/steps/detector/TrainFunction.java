package dev.kiln.steps.detector;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.steps.evaluate.CocoMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The {@code train} step: trains the YOLO detector on TFRecord shards with Adam (linear warm-up,
 * flat, then cosine decay), random-scale and flip augmentation, evaluates COCO AP on the test split every
 * {@code train_steps_per_eval} steps and at the end, and writes the checkpoint with the best AP to
 * {@code outputs/model/}.
 */
public final class TrainFunction implements StepFunction {
  static final int LOG_EVERY = 10;

  @Override
  public void run(StepContext context) throws Exception {
    List<String> classes = Classes.read(context.inputFiles("classes"), "classes");
    int size = StepParams.integer(context, "size", 416);
    int batchSize = StepParams.integer(context, "batch_size", 8);
    int epochs = StepParams.integer(context, "epochs", 10);
    int maxSteps = StepParams.integer(context, "max_steps", 0);
    // initial_learning_rate (the cloud built-ins' name) wins over learning_rate when given
    float lr = (float) StepParams.real(context, "initial_learning_rate", 0);
    if (lr <= 0) {
      lr = (float) StepParams.real(context, "learning_rate", 0.001);
    }
    int warmup = StepParams.integer(context, "warmup_steps", 100);
    int stepsPerEval = StepParams.integer(context, "train_steps_per_eval", 200);
    int numEval = StepParams.integer(context, "num_eval_images", 0);
    float scaleMin = (float) StepParams.real(context, "aug_scale_min", 0.8);
    float scaleMax = (float) StepParams.real(context, "aug_scale_max", 1.2);
    double timeLimit = StepParams.real(context, "time_limit_seconds", 0);
    long seed = StepParams.integer(context, "seed", 42);
    String cfgName = StepParams.string(context, "cfg", "shapes-tiny");
    long start = System.nanoTime();

    List<Sample> train =
        TfRecordSamples.read(context.inputFiles("train"), 0, classes.size());
    if (train.isEmpty()) {
      throw new IllegalArgumentException("input \"train\" holds no examples");
    }
    List<Sample> test = TfRecordSamples.read(context.inputFiles("test"), numEval, classes.size());
    context.log("train: " + train.size() + " images, test: " + test.size() + " images, "
        + classes.size() + " classes");
    int stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
    int totalSteps = maxSteps > 0 ? maxSteps : epochs * stepsPerEpoch;

    Device device = DetectorDevice.choose(context);
    context.reportDevice(DetectorDevice.name(device));
    try (Model model = Model.newInstance("detector", device)) {
      DarknetNetwork net = startingNetwork(context, cfgName, classes.size(), size, model);
      model.setBlock(net);
      // under a time limit the cosine follows the clock too, so a run cut short still anneals
      final long t0 = start;
      Tracker schedule =
          schedule(lr, warmup, totalSteps,
              () -> timeLimit > 0 ? (System.nanoTime() - t0) / 1e9 / timeLimit : 0);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(Adam.builder().optLearningRateTracker(schedule).build())
              .optDevices(new Device[] {device});
      YoloLoss loss = new YoloLoss(net.cfg());
      YoloDecoder evalDecoder = new YoloDecoder(net.cfg(), 0.01f, 0.5f, 100);
      List<BufferedImage> testImages = test.stream().map(Sample::image).toList();
      Random rnd = new Random(seed);
      byte[] best = null;
      double bestAp = -1;
      Map<String, Object> bestInfo = new LinkedHashMap<>();
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(net.inputShape(batchSize));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
          order.add(i);
        }
        int cursor = order.size();
        int epoch = 0;
        long windowStart = System.nanoTime();
        int windowImages = 0;
        double windowLoss = 0;
        int windowSteps = 0;
        int step = 0;
        boolean timeUp = false;
        while (step < totalSteps && !timeUp) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("train stopped at step " + step);
          }
          List<Sample> batch = new ArrayList<>();
          for (int i = 0; i < batchSize; i++) {
            if (cursor >= order.size()) {
              Collections.shuffle(order, rnd);
              cursor = 0;
              epoch++;
            }
            batch.add(train.get(order.get(cursor++)));
          }
          float lossValue = trainStep(trainer, net, loss, batch, size, scaleMin, scaleMax, rnd);
          step++;
          windowLoss += lossValue;
          windowSteps++;
          windowImages += batch.size();
          timeUp = timeLimit > 0 && (System.nanoTime() - start) / 1e9 >= timeLimit;
          boolean last = step == totalSteps || timeUp;
          if (step % LOG_EVERY == 0 || last) {
            double secs = (System.nanoTime() - windowStart) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("total_steps", totalSteps);
            m.put("epoch", epoch);
            m.put("loss", round(windowLoss / windowSteps));
            m.put("learning_rate", schedule.getNewValue(step));
            m.put("images_per_sec", round(windowImages / Math.max(secs, 1e-9)));
            context.logMetrics(m);
            windowStart = System.nanoTime();
            windowImages = 0;
            windowLoss = 0;
            windowSteps = 0;
          }
          if (!test.isEmpty() && (step % stepsPerEval == 0 || last)) {
            List<List<Detection>> dets =
                Inference.detect(net, model.getNDManager(), testImages, evalDecoder, 16);
            CocoMetrics metrics = Evaluation.coco(test, dets, classes);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("epoch", epoch);
            m.put("AP", round(metrics.ap()));
            m.put("AP50", round(metrics.ap50()));
            m.put("AP75", round(metrics.ap75()));
            m.put("eval_images", test.size());
            context.logMetrics(m);
            if (metrics.ap() > bestAp) {
              bestAp = metrics.ap();
              best = SavedDetector.parameterBytes(net);
              bestInfo.put("step", step);
              bestInfo.put("AP", round(metrics.ap()));
              bestInfo.put("AP50", round(metrics.ap50()));
            }
          }
        }
        if (timeUp) {
          context.log("time limit of " + timeLimit + " s reached at step " + step);
        }
        if (best == null) {
          best = SavedDetector.parameterBytes(net);
          bestInfo.put("step", step);
        }
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("trained_by", "train");
      extra.put("best", bestInfo);
      SavedDetector.save(
          context.outputDir().resolve("model"), net.cfg(), best, classes, extra);
      context.log("wrote model/ from step " + bestInfo.get("step")
          + (bestAp >= 0 ? " (AP " + round(bestAp) + ")" : ""));
    }
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  /** One optimiser step on an augmented batch; returns the loss. */
  static float trainStep(
      Trainer trainer,
      DarknetNetwork net,
      YoloLoss loss,
      List<Sample> batch,
      int size,
      float scaleMin,
      float scaleMax,
      Random rnd) {
    int n = batch.size();
    float[] data = new float[n * 3 * size * size];
    List<List<Box>> boxes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Images.Augmented a = Images.augment(batch.get(i), size, scaleMin, scaleMax, true, rnd);
      Images.toChw(a.image(), data, i * 3 * size * size);
      boxes.add(a.boxes());
    }
    float value;
    try (NDManager m = trainer.getManager().newSubManager()) {
      NDArray x = m.create(data, new Shape(n, 3, size, size));
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(x));
        YoloLoss.Result r = loss.compute(out, boxes);
        value = r.total().getFloat();
        gc.backward(r.total());
      }
      trainer.step();
    }
    if (!Float.isFinite(value)) {
      throw new IllegalStateException(
          "the loss is " + value + "; lower learning_rate (training diverged)");
    }
    return value;
  }

  /** The share of the run after warm-up that keeps the full learning rate. */
  static final float FLAT = 0.5f;

  /**
   * Linear warm-up from a tenth of {@code lr}, the full rate for the first half of the run, then
   * cosine decay to a twentieth, at the pace of the steps or of {@code timeFraction} (the share of
   * the time limit used), whichever is ahead. On a busy machine a time-limited run makes few steps;
   * holding the rate first keeps them useful, and the decay still anneals the last ones.
   */
  static Tracker schedule(
      float lr, int warmup, int total, java.util.function.DoubleSupplier timeFraction) {
    return step -> {
      if (step < warmup) {
        return lr * (0.1f + 0.9f * step / Math.max(1, warmup));
      }
      float p = Math.min(1f, (float) (step - warmup) / Math.max(1, total - warmup));
      p = (float) Math.min(1.0, Math.max(p, timeFraction.getAsDouble()));
      // flat for the first half (fast learning while it pays), then the cosine over the rest
      p = Math.max(0f, (p - FLAT) / (1f - FLAT));
      return (float) (lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * p))));
    };
  }

  /**
   * The model input's network, adapted to the dataset's class count and the input size (the
   * heads are re-initialised when the class count changes, everything else is kept), or a fresh
   * network from the {@code cfg} parameter when there is no model input.
   */
  static DarknetNetwork startingNetwork(
      StepContext context, String cfgName, int numClasses, int size, Model model)
      throws IOException {
    NDManager manager = model.getNDManager();
    List<java.nio.file.Path> files = context.inputFiles("model");
    if (files.isEmpty()) {
      DarknetNetwork net =
          new DarknetNetwork(DarknetCfg.builtIn(cfgName).withClasses(numClasses).withSize(size));
      net.initialize(manager, DataType.FLOAT32, net.inputShape(1));
      net.initHeadPriors();
      context.log("no model input: training " + cfgName + " from random weights");
      return net;
    }
    SavedDetector.Loaded loaded = SavedDetector.load(SavedDetector.locate(files, "model"), manager);
    DarknetNetwork old = loaded.network();
    if (old.cfg().numClasses() == numClasses && old.cfg().width() == size) {
      context.log("model input: continuing from " + old.cfg().name() + " with "
          + numClasses + " classes, all " + old.getParameters().size() + " parameter tensors");
      return old;
    }
    DarknetNetwork net =
        new DarknetNetwork(old.cfg().withClasses(numClasses).withSize(size));
    net.initialize(manager, DataType.FLOAT32, net.inputShape(1));
    net.initHeadPriors();
    List<Parameter> from = old.getParameters().values();
    List<Parameter> to = net.getParameters().values();
    int copied = 0;
    for (int i = 0; i < to.size(); i++) {
      NDArray src = from.get(i).getArray();
      Parameter dst = to.get(i);
      if (src.getShape().equals(dst.getArray().getShape())) {
        dst.getArray().set(src.toFloatArray());
        copied++;
      }
    }
    context.log("model input: " + old.cfg().numClasses() + " classes -> " + numClasses
        + ", kept " + copied + " of " + to.size() + " parameter tensors");
    return net;
  }
}
