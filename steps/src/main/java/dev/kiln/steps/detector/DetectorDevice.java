package dev.kiln.steps.detector;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.kiln.pipelines.step.StepContext;

/** Picks the device a detector step computes on and names it the way the lineage records it. */
final class DetectorDevice {
  private DetectorDevice() {}

  /** {@code djl.device} from the executor ("cpu", "cuda:1"), else the engine's default. */
  static Device choose(StepContext context) {
    String wanted = context.engineOptions().get("djl.device");
    if (wanted != null && !wanted.isBlank()) {
      String w = wanted.trim();
      if (w.startsWith("cuda:")) {
        return Device.gpu(Integer.parseInt(w.substring(5)));
      }
      return Device.fromName(w);
    }
    return Engine.getInstance().defaultDevice();
  }

  /** {@code cpu} or {@code cuda:N}. */
  static String name(Device d) {
    return d.isGpu() ? "cuda:" + d.getDeviceId() : "cpu";
  }
}
