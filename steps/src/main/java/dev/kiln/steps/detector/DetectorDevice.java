package dev.kiln.steps.detector;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.kiln.pipelines.spi.StepContext;

/** Picks the device a detector step computes on and names it the way the lineage records it. */
final class DetectorDevice {
  private DetectorDevice() {}

  /**
   * {@code djl.device} from the executor ("cpu", "cuda:1"), else the engine's default. A GPU the
   * engine cannot see (the CPU-only native library on a GPU machine, or a slot number beyond the
   * GPUs there are) falls back to the CPU with a log line saying why, so the recorded device is
   * the one really used.
   */
  static Device choose(StepContext context) {
    return choose(context.engineOptions().get("djl.device"), context::log);
  }

  /** {@link #choose(StepContext)} for a device name given otherwise; {@code log} hears the fallback. */
  static Device choose(String wanted, java.util.function.Consumer<String> log) {
    if (wanted == null || wanted.isBlank()) {
      return Engine.getInstance().defaultDevice();
    }
    String w = wanted.trim();
    if (!w.startsWith("cuda:") && !w.startsWith("gpu")) {
      return Device.fromName(w);
    }
    int id;
    try {
      id = Integer.parseInt(w.substring(w.indexOf(':') + 1).trim());
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "djl.device must be cpu or cuda:N, was \"" + wanted + "\"");
    }
    int visible = Engine.getInstance().getGpuCount();
    if (id >= visible) {
      log.accept("djl.device " + w + " asked for, but the "
          + Engine.getInstance().getEngineName() + " engine sees " + visible
          + " GPU(s): using the CPU");
      return Device.cpu();
    }
    return Device.gpu(id);
  }

  /** {@code cpu} or {@code cuda:N}. */
  static String name(Device d) {
    return d.isGpu() ? "cuda:" + d.getDeviceId() : "cpu";
  }
}
