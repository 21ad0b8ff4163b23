package dev.kiln.steps.detector;

import dev.kiln.pipelines.spi.StepContext;

/** Parameter reading with the step definitions' defaults, so a step also runs from a bare context. */
final class StepParams {
  private StepParams() {}

  static int integer(StepContext c, String name, int dflt) {
    return c.parameter(name).isPresent() ? c.intParameter(name) : dflt;
  }

  static double real(StepContext c, String name, double dflt) {
    return c.parameter(name).isPresent() ? c.doubleParameter(name) : dflt;
  }

  static String string(StepContext c, String name, String dflt) {
    return c.parameter(name).isPresent() ? c.stringParameter(name) : dflt;
  }
}
