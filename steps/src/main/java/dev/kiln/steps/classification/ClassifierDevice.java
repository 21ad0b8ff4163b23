package dev.kiln.steps.classification;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.kiln.pipelines.spi.StepContext;

/**
 * The device a classification step computes on: {@code djl.device} from the executor, else the
 * engine's default; a GPU the engine cannot see falls back to the CPU with a log line. (The same
 * rule as the detector's; it moves to the shared core when the detector joins the layout.)
 */
final class ClassifierDevice {
  private ClassifierDevice() {}

  static Device choose(StepContext context) {
    String wanted = context.engineOptions().get("djl.device");
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
      throw new IllegalArgumentException("djl.device must be cpu or cuda:N, was \"" + wanted + "\"");
    }
    int visible = Engine.getInstance().getGpuCount();
    if (id >= visible) {
      context.log("djl.device " + w + " asked for, but the " + Engine.getInstance().getEngineName()
          + " engine sees " + visible + " GPU(s): using the CPU");
      return Device.cpu();
    }
    return Device.gpu(id);
  }

  static String name(Device d) {
    return d.isGpu() ? "cuda:" + d.getDeviceId() : "cpu";
  }
}
