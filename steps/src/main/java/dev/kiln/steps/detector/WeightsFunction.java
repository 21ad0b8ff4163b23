package dev.kiln.steps.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code weights} step: builds the network of the {@code cfg} parameter for {@code
 * weights_num_classes} classes, reads the Darknet {@code .weights} input into it (or initialises
 * it randomly when there is none), checks it with a forward pass on a random image and writes it
 * to {@code outputs/model/}.
 */
public final class WeightsFunction implements StepFunction {
  @Override
  public void run(StepContext context) throws Exception {
    String cfgName = StepParams.string(context, "cfg", "yolov3");
    int numClasses = StepParams.integer(context, "weights_num_classes", 80);
    DarknetCfg cfg = DarknetCfg.builtIn(cfgName).withClasses(numClasses);
    context.reportDevice("cpu");
    Map<String, Object> extra = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      DarknetNetwork net = new DarknetNetwork(cfg);
      net.initialize(manager, DataType.FLOAT32, net.inputShape(1));
      List<Path> files = context.inputFiles("weights");
      if (files.isEmpty()) {
        net.initHeadPriors();
        context.log("no weights input: " + cfgName + " initialised randomly");
        extra.put("weights", "random");
      } else {
        if (files.size() > 1) {
          throw new IllegalArgumentException(
              "input \"weights\" has " + files.size() + " files; give it one .weights file");
        }
        DarknetWeightsReader.Header h = DarknetWeightsReader.read(files.get(0), net);
        context.log("read " + files.get(0).getFileName() + ": Darknet " + h.major() + "."
            + h.minor() + "." + h.revision() + ", seen " + h.seen() + ", "
            + DarknetWeightsReader.floatCount(net) + " floats");
        extra.put("weights", files.get(0).getFileName().toString());
        extra.put("seen", h.seen());
      }
      checkForward(net, manager, context);
      SavedDetector.save(context.outputDir().resolve("model"), net, List.of(), extra);
      context.logMetrics(Map.of(
          "parameters", DarknetWeightsReader.floatCount(net),
          "heads", cfg.heads().size(),
          "num_classes", numClasses));
    }
  }

  /** A forward pass on a random image: every head has the expected shape and finite values. */
  static void checkForward(DarknetNetwork net, NDManager manager, StepContext context) {
    long t0 = System.nanoTime();
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.randomUniform(0f, 1f, net.inputShape(1));
      NDList heads = net.forward(new ParameterStore(m, false), new NDList(x), false);
      ai.djl.ndarray.types.Shape[] expected = net.getOutputShapes(new ai.djl.ndarray.types.Shape[] {net.inputShape(1)});
      for (int i = 0; i < heads.size(); i++) {
        if (!heads.get(i).getShape().equals(expected[i])) {
          throw new IllegalStateException(
              "head " + i + " has shape " + heads.get(i).getShape() + ", expected " + expected[i]);
        }
        float[] v = heads.get(i).toFloatArray();
        for (float f : v) {
          if (!Float.isFinite(f)) {
            throw new IllegalStateException(
                "head " + i + " gives non-finite values on a random image: the weights are broken");
          }
        }
      }
      context.log("forward pass on a random " + net.cfg().width() + "x" + net.cfg().height()
          + " image: " + heads.size() + " heads ok in "
          + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }
}
