package dev.kiln.steps.detector;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training throughput of the {@code shapes-tiny} network in DJL, the counterpart of {@code
 * bench/pytorch_shapes_tiny.py}: same layers, batch and image size, Adam, an L2 loss against a
 * fixed random target, the same warm-up and timed steps. Prints one JSON line.
 *
 * <p>Usage: {@code ThroughputBench [BATCH=16] [SIZE=128] [STEPS=60] [WARMUP=10]}. Thread counts
 * come from DJL's system properties ({@code ai.djl.pytorch.num_threads}, {@code
 * ai.djl.pytorch.num_interop_threads}).
 */
public final class ThroughputBench {
  private ThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Device device = Device.cpu();
    DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny").withSize(size));
    try (Model model = Model.newInstance("throughput", device)) {
      model.setBlock(net);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
              .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(net.inputShape(batch));
        NDManager m = trainer.getManager();
        // the batch is copied in from a Java array every step, as the train step does
        float[] data = m.randomNormal(net.inputShape(batch)).toFloatArray();
        NDArray target =
            m.randomNormal(net.getOutputShapes(new ai.djl.ndarray.types.Shape[] {
                  net.inputShape(batch)})[0]);
        Loss l2 = Loss.l2Loss();
        float loss = 0;
        long t0 = 0;
        long[] phase = new long[4]; // forward+loss, backward, optimiser, gradient clean-up
        for (int i = 0; i < warmup + steps; i++) {
          if (i == warmup) {
            t0 = System.nanoTime();
          }
          try (NDManager sub = m.newSubManager()) {
            NDArray x = sub.create(data, net.inputShape(batch));
            long a = System.nanoTime();
            long b;
            long c;
            try (GradientCollector gc = trainer.newGradientCollector()) {
              NDList out = trainer.forward(new NDList(x));
              NDArray value = l2.evaluate(new NDList(target), out);
              loss = value.getFloat();
              b = System.nanoTime();
              gc.backward(value);
              c = System.nanoTime();
            }
            long d = System.nanoTime();
            trainer.step();
            long e = System.nanoTime();
            if (i >= warmup) {
              phase[0] += b - a;
              phase[1] += c - b;
              phase[2] += e - d;
              phase[3] += d - c;
            }
          }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("engine", "djl " + Engine.getDjlVersion() + " pytorch "
            + Engine.getInstance().getVersion());
        r.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        r.put("interop_threads",
            System.getProperty("ai.djl.pytorch.num_interop_threads", "default"));
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        r.put("allocator", preload.contains("tcmalloc") ? "tcmalloc"
            : preload.contains("jemalloc") ? "jemalloc" : "system");
        r.put("batch", batch);
        r.put("size", size);
        r.put("steps", steps);
        r.put("seconds", Math.round(secs * 1000) / 1000.0);
        r.put("images_per_sec", Math.round(batch * steps / secs * 100) / 100.0);
        r.put("loss", Math.round(loss * 10000) / 10000.0);
        r.put("ms_per_step", Map.of(
            "forward", phase[0] / 1e6 / steps, "backward", phase[1] / 1e6 / steps,
            "optimizer", phase[2] / 1e6 / steps, "collector_close", phase[3] / 1e6 / steps));
        r.put("load_average",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println(new ObjectMapper().writeValueAsString(r));
      }
    }
  }
}
