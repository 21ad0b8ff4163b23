package dev.kiln.pipelines.tuning;

import java.util.List;
import java.util.Objects;

/**
 * One parameter a tuning job varies, as AI Platform types it: a {@link DoubleRange}, an {@link
 * IntegerRange}, {@link Categorical} strings or {@link Discrete} numbers. Constructors refuse what
 * AI Platform refuses, naming the parameter.
 */
public sealed interface SearchParameter {
  String name();

  /** DOUBLE between min and max. */
  record DoubleRange(String name, double min, double max, Scale scale) implements SearchParameter {
    public DoubleRange {
      checkRange(name, min, max, scale);
    }
  }

  /** INTEGER between min and max, both included. */
  record IntegerRange(String name, long min, long max, Scale scale) implements SearchParameter {
    public IntegerRange {
      checkRange(name, min, max, scale);
    }

    public long size() {
      return max - min + 1;
    }
  }

  /** CATEGORICAL: one of these strings. */
  record Categorical(String name, List<String> values) implements SearchParameter {
    public Categorical {
      checkName(name);
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException(
            "parameter \"" + name + "\" is CATEGORICAL but has no categoricalValues");
      }
      if (values.stream().distinct().count() != values.size()) {
        throw new IllegalArgumentException(
            "parameter \"" + name + "\": categoricalValues repeat a value: " + values);
      }
    }
  }

  /** DISCRETE: one of these numbers, given in increasing order. */
  record Discrete(String name, List<Double> values) implements SearchParameter {
    public Discrete {
      checkName(name);
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException(
            "parameter \"" + name + "\" is DISCRETE but has no discreteValues");
      }
      for (int i = 1; i < values.size(); i++) {
        if (values.get(i) <= values.get(i - 1)) {
          throw new IllegalArgumentException(
              "parameter \"" + name + "\": discreteValues must increase; " + values.get(i)
                  + " follows " + values.get(i - 1));
        }
      }
    }
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a search parameter needs a parameterName");
    }
  }

  private static void checkRange(String name, double min, double max, Scale scale) {
    checkName(name);
    Objects.requireNonNull(scale, "scale");
    if (!(min < max)) {
      throw new IllegalArgumentException(
          "parameter \"" + name + "\": minValue " + num(min) + " must be less than maxValue "
              + num(max));
    }
    if (scale != Scale.LINEAR && min <= 0) {
      throw new IllegalArgumentException(
          "parameter \"" + name + "\": " + scale.aiPlatformName() + " needs minValue > 0; got "
              + num(min));
    }
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
