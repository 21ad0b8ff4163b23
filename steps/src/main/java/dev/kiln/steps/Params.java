package dev.kiln.steps;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import java.util.Arrays;

/** Short constructors for the parameters of built-in steps. */
final class Params {
  private Params() {}

  static ParameterSpec integer(String name, long defaultValue, String description) {
    return ParameterSpec.builder(name, ParameterType.INTEGER)
        .optDefault(defaultValue)
        .optDescription(description)
        .build();
  }

  static ParameterSpec integer(String name, long defaultValue, long min, String description) {
    return ParameterSpec.builder(name, ParameterType.INTEGER)
        .optDefault(defaultValue)
        .optMin((double) min)
        .optDescription(description)
        .build();
  }

  static ParameterSpec real(
      String name, double defaultValue, double min, double max, String description) {
    return ParameterSpec.builder(name, ParameterType.FLOAT)
        .optDefault(defaultValue)
        .optMin(min)
        .optMax(max)
        .optDescription(description)
        .build();
  }

  static ParameterSpec text(String name, String defaultValue, String description) {
    return ParameterSpec.builder(name, ParameterType.STRING)
        .optDefault(defaultValue)
        .optDescription(description)
        .build();
  }

  static ParameterSpec choice(
      String name, String defaultValue, String description, String... choices) {
    return ParameterSpec.builder(name, ParameterType.STRING)
        .optDefault(defaultValue)
        .optChoices(Arrays.stream(choices).map(ParamValue::of).toList())
        .optDescription(description)
        .build();
  }
}
