package dev.kiln.steps.classification;

import static dev.kiln.steps.classification.ClassificationEvaluation.round;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.steps.classification.ImageFolderDataset.Problem;
import dev.kiln.steps.classification.ImageFolderDataset.Sample;
import dev.kiln.steps.classification.ImageFolderDataset.Split;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The {@code train-classification} step: AdamW with the learning rate decaying linearly to 1% of
 * it, random horizontal flips, a metrics line every {@code logging_steps} (over the batches since
 * the last one), validation scored and a checkpoint written every {@code save_steps} and at each
 * epoch's end; the checkpoint with the best validation accuracy becomes {@code model/} and is
 * scored on {@code test}.
 */
public final class TrainClassificationFunction implements StepFunction {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int PROBLEMS_LOGGED = 20;

  @Override
  public void run(StepContext context) throws Exception {
    // every parameter is read (and range-checked) before any file is
    int inputSize = ClassificationSteps.intParam(context, ClassificationSteps.INPUT_SIZE);
    float lr = (float) ClassificationSteps.number(context, ClassificationSteps.LEARNING_RATE);
    int batchSize = ClassificationSteps.intParam(context, ClassificationSteps.TRAIN_BATCH);
    int evalBatch = ClassificationSteps.intParam(context, ClassificationSteps.EVAL_BATCH);
    int epochs = ClassificationSteps.intParam(context, ClassificationSteps.EPOCHS);
    int saveSteps = ClassificationSteps.intParam(context, ClassificationSteps.SAVE_STEPS);
    int loggingSteps = ClassificationSteps.intParam(context, ClassificationSteps.LOGGING_STEPS);
    String architecture = ClassificationSteps.text(context, ClassificationSteps.ARCHITECTURE);
    double timeLimit = ClassificationSteps.number(context, ClassificationSteps.TIME_LIMIT);
    long seed = ClassificationSteps.intParam(context, ClassificationSteps.SEED);
    long start = System.nanoTime();

    List<Path> modelFiles = context.inputFiles("model");
    SavedClassifier.Info previous = null;
    Path previousDir = null;
    if (!modelFiles.isEmpty()) {
      previousDir = SavedClassifier.locate(modelFiles, "model");
      previous = SavedClassifier.readInfo(previousDir);
      architecture = previous.architecture();
    }

    Split train = readSplit(context, "train", inputSize, null).requireNonEmpty();
    List<String> classes = train.labels();
    if (classes.size() < 2) {
      throw new ClassificationInputException(
          "input \"train\": one label folder (" + classes + "); a classifier needs at least two");
    }
    Split validation = readSplit(context, "validation", inputSize, classes).requireNonEmpty();
    Split test =
        context.inputFiles("test").isEmpty()
            ? null
            : readSplit(context, "test", inputSize, classes).requireNonEmpty();
    writeSkipped(context, train, validation, test);
    context.log("train: " + train.samples().size() + " images, validation: "
        + validation.samples().size() + (test == null ? "" : ", test: " + test.samples().size())
        + ", " + classes.size() + " labels " + classes);

    int stepsPerEpoch = (train.samples().size() + batchSize - 1) / batchSize;
    int totalSteps = epochs * stepsPerEpoch;
    Device device = ClassifierDevice.choose(context);
    context.reportDevice(ClassifierDevice.name(device));
    Engine.getInstance().setRandomSeed((int) seed);
    SavedClassifier.Info info =
        new SavedClassifier.Info(
            architecture,
            inputSize,
            previous != null ? previous.smallStem() : ClassifierNetworks.smallStem(inputSize),
            classes);
    try (Model model = Model.newInstance("classifier", device)) {
      Block block = SavedClassifier.build(info);
      model.setBlock(block);
      final long t0 = start;
      Tracker schedule =
          linearDecay(lr, totalSteps, () -> timeLimit > 0 ? (System.nanoTime() - t0) / 1e9 / timeLimit : 0);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(AdamW.builder().optLearningRateTracker(schedule).build())
              .optDevices(new Device[] {device});
      Path checkpoints = context.outputDir().resolve("checkpoints");
      Path metricsDir = context.outputDir().resolve("metrics");
      Files.createDirectories(metricsDir);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(ClassifierNetworks.inputShape(batchSize, inputSize));
        if (previous != null) {
          continueFrom(context, block, previousDir, previous, info, model.getNDManager());
        } else {
          context.log("no model input: training " + architecture + " from random weights");
        }
        Classifier classifier = new Classifier(block, classes, inputSize);
        Random rnd = new Random(seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < train.samples().size(); i++) {
          order.add(i);
        }
        Best best = new Best();
        int cursor = order.size();
        int epoch = 0;
        int step = 0;
        int lastEval = -1;
        Window window = new Window();
        boolean timeUp = false;
        while (step < totalSteps && !timeUp) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("train-classification stopped at step " + step);
          }
          List<Sample> batch = new ArrayList<>();
          for (int i = 0; i < batchSize && (cursor < order.size() || batch.isEmpty()); i++) {
            if (cursor >= order.size()) {
              Collections.shuffle(order, rnd);
              cursor = 0;
            }
            batch.add(train.samples().get(order.get(cursor++)));
          }
          trainStep(trainer, batch, classes, inputSize, rnd, window);
          step++;
          boolean epochEnd = cursor >= order.size();
          if (epochEnd) {
            epoch++;
          }
          timeUp = timeLimit > 0 && (System.nanoTime() - start) / 1e9 >= timeLimit;
          boolean last = step == totalSteps || timeUp;
          if (step % loggingSteps == 0 || last) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("total_steps", totalSteps);
            m.put("epoch", round((double) step / stepsPerEpoch));
            m.put("loss", round(window.loss / window.steps));
            m.put("learning_rate", schedule.getNewValue(step));
            m.putAll(
                ClassificationEvaluation.of(window.actual, window.predicted, classes).headline(""));
            m.put("images_per_sec", round(window.actual.size() / Math.max(1e-9, (System.nanoTime() - window.started) / 1e9)));
            context.logMetrics(m);
            window = new Window();
          }
          boolean save = step % saveSteps == 0;
          if (save || epochEnd || last) {
            ClassificationEvaluation eval =
                evaluate(classifier, model.getNDManager(), validation, evalBatch);
            lastEval = step;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("epoch", epoch);
            m.putAll(eval.headline("eval_"));
            m.put("eval_images", validation.samples().size());
            context.logMetrics(m);
            byte[] params = SavedClassifier.parameterBytes(block);
            if (save) {
              SavedClassifier.save(
                  checkpoints.resolve("checkpoint-" + step), info, params, provenance(step, eval));
            }
            if (eval.metrics().accuracy() > best.accuracy) {
              best.accuracy = eval.metrics().accuracy();
              best.params = params;
              best.step = step;
              best.eval = eval;
            }
          }
        }
        if (timeUp) {
          context.log("time limit of " + timeLimit + " s reached at step " + step);
        }
        SavedClassifier.save(
            context.outputDir().resolve("model"), info, best.params,
            provenance(best.step, best.eval));
        context.log("wrote model/ from step " + best.step + " (validation accuracy "
            + round(best.accuracy) + ")");
        restore(block, best.params, model.getNDManager());
        best.eval.writeConfusion(metricsDir.resolve("validation"));
        if (test != null) {
          ClassificationEvaluation eval = evaluate(classifier, model.getNDManager(), test, evalBatch);
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("split", "test");
          m.put("step", best.step);
          m.putAll(eval.headline(""));
          m.put("test_images", test.samples().size());
          m.put("per_class", eval.perClass());
          context.logMetrics(m);
          eval.writeConfusion(metricsDir);
          Files.writeString(metricsDir.resolve("test_metrics.json"), JSON.writeValueAsString(m) + "\n");
        }
      }
    }
  }

  /** Scores {@code split} with the network as it is now. */
  static ClassificationEvaluation evaluate(
      Classifier classifier, NDManager manager, Split split, int batchSize) {
    List<byte[]> images = split.samples().stream().map(Sample::rgb).toList();
    float[][] p = classifier.probabilities(manager, images, batchSize);
    List<String> predicted = new ArrayList<>();
    for (float[] row : p) {
      predicted.add(classifier.top(row));
    }
    List<String> actual = split.samples().stream().map(Sample::label).toList();
    return ClassificationEvaluation.of(actual, predicted, classifier.labels());
  }

  private static void trainStep(
      Trainer trainer, List<Sample> batch, List<String> classes, int size, Random rnd, Window w) {
    int n = batch.size();
    int plane = 3 * size * size;
    float[] data = new float[n * plane];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      ClassifierImages.toChw(batch.get(i).rgb(), size, data, i * plane, rnd.nextBoolean());
      labels[i] = classes.indexOf(batch.get(i).label());
    }
    float loss;
    float[] logits;
    try (NDManager m = trainer.getManager().newSubManager()) {
      NDArray x = m.create(data, ClassifierNetworks.inputShape(n, size));
      NDArray y = m.create(labels);
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(x));
        NDArray l = trainer.getLoss().evaluate(new NDList(y), out);
        loss = l.getFloat();
        logits = out.singletonOrThrow().toFloatArray();
        gc.backward(l);
      }
      trainer.step();
    }
    if (!Float.isFinite(loss)) {
      throw new IllegalStateException(
          "the loss is " + loss + "; lower learning_rate (training diverged)");
    }
    int k = classes.size();
    for (int i = 0; i < n; i++) {
      int bestC = 0;
      for (int c = 1; c < k; c++) {
        if (logits[i * k + c] > logits[i * k + bestC]) {
          bestC = c;
        }
      }
      w.actual.add(batch.get(i).label());
      w.predicted.add(classes.get(bestC));
    }
    w.loss += loss;
    w.steps++;
  }

  /**
   * Linear decay from {@code lr} to 1% of it over the run, at the pace of the steps or of the time
   * limit used ({@code timeFraction}), whichever is ahead, as Hugging Face's default schedule.
   */
  static Tracker linearDecay(float lr, int total, java.util.function.DoubleSupplier timeFraction) {
    return step -> {
      double p = Math.min(1.0, Math.max((double) step / Math.max(1, total), timeFraction.getAsDouble()));
      return (float) (lr * (1 - 0.99 * p));
    };
  }

  private static Split readSplit(StepContext context, String name, int size, List<String> classes) {
    Split s = ImageFolderDataset.read(context.inputDir(name), name, size, classes);
    int shown = 0;
    for (Problem p : s.problems()) {
      if (shown++ < PROBLEMS_LOGGED) {
        context.log("skipped " + p);
      }
    }
    if (s.problems().size() > PROBLEMS_LOGGED) {
      context.log("... and " + (s.problems().size() - PROBLEMS_LOGGED)
          + " more skipped in " + name + " (all in metrics/skipped.jsonl)");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("split", name);
    m.put("images", s.samples().size());
    m.put("skipped", s.problems().size());
    context.logMetrics(m);
    return s;
  }

  private static void writeSkipped(StepContext context, Split... splits) throws IOException {
    Path dir = context.outputDir().resolve("metrics");
    Files.createDirectories(dir);
    StringBuilder b = new StringBuilder();
    ObjectMapper line = new ObjectMapper();
    for (Split s : splits) {
      if (s == null) {
        continue;
      }
      for (Problem p : s.problems()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("split", p.split());
        m.put("file", p.file());
        m.put("reason", p.reason());
        b.append(line.writeValueAsString(m)).append('\n');
      }
    }
    Files.writeString(dir.resolve("skipped.jsonl"), b.toString());
  }

  /**
   * Loads the model input's parameters; when its labels differ the final layer stays freshly
   * initialised and every tensor of matching shape is copied.
   */
  private static void continueFrom(
      StepContext context, Block block, Path dir, SavedClassifier.Info previous,
      SavedClassifier.Info now, NDManager manager) throws IOException {
    if (previous.labels().equals(now.labels())) {
      restore(block, Files.readAllBytes(dir.resolve(SavedClassifier.PARAMS)), manager);
      context.log("model input: continuing " + previous.architecture() + " with its "
          + previous.labels().size() + " labels");
      return;
    }
    SavedClassifier.Loaded old = SavedClassifier.load(dir, manager);
    List<Parameter> from = old.block().getParameters().values();
    List<Parameter> to = block.getParameters().values();
    int copied = 0;
    for (int i = 0; i < to.size() && i < from.size(); i++) {
      NDArray src = from.get(i).getArray();
      if (src.getShape().equals(to.get(i).getArray().getShape())) {
        to.get(i).getArray().set(src.toFloatArray());
        copied++;
      }
    }
    context.log("model input: labels " + previous.labels() + " -> " + now.labels() + ", kept "
        + copied + " of " + to.size() + " parameter tensors");
  }

  private static void restore(Block block, byte[] params, NDManager manager) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
      block.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException("parameters do not fit the network: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> provenance(int step, ClassificationEvaluation eval) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trained_by", ClassificationSteps.TRAIN_NAME);
    Map<String, Object> best = new LinkedHashMap<>();
    best.put("step", step);
    best.putAll(eval.headline("eval_"));
    m.put("checkpoint", best);
    return m;
  }

  private static final class Best {
    double accuracy = -1;
    byte[] params;
    int step;
    ClassificationEvaluation eval;
  }

  private static final class Window {
    final long started = System.nanoTime();
    final List<String> actual = new ArrayList<>();
    final List<String> predicted = new ArrayList<>();
    double loss;
    int steps;
  }

}
