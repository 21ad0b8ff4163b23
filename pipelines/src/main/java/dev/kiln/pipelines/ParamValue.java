package dev.kiln.pipelines;

import java.util.List;
import java.util.Objects;

/**
 * A parameter value as written by a user: a string, an integer, a float, a flag or a list of
 * those. Values are kept as written, so a default that does not fit its parameter's type can be
 * reported (and written back) rather than lost.
 */
public sealed interface ParamValue {

  /** The value in the form a command line receives it. */
  String render();

  static ParamValue of(String value) {
    return new StringValue(value);
  }

  static ParamValue of(long value) {
    return new IntValue(value);
  }

  static ParamValue of(double value) {
    return new FloatValue(value);
  }

  static ParamValue of(boolean value) {
    return new FlagValue(value);
  }

  static ParamValue list(List<? extends ParamValue> values) {
    return new ListValue(List.copyOf(values));
  }

  /** A string value. */
  record StringValue(String value) implements ParamValue {
    public StringValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String render() {
      return value;
    }
  }

  /** An integer value. */
  record IntValue(long value) implements ParamValue {
    @Override
    public String render() {
      return Long.toString(value);
    }
  }

  /** A floating point value. */
  record FloatValue(double value) implements ParamValue {
    @Override
    public String render() {
      // Python's str(float): integral floats keep ".0", others the shortest repr.
      return Double.toString(value).replace("E", "e");
    }
  }

  /** A flag (boolean) value. */
  record FlagValue(boolean value) implements ParamValue {
    @Override
    public String render() {
      return value ? "true" : "false";
    }
  }

  /** Several values, for parameters that take {@code multiple}. */
  record ListValue(List<ParamValue> values) implements ParamValue {
    public ListValue {
      values = List.copyOf(values);
    }

    @Override
    public String render() {
      StringBuilder sb = new StringBuilder();
      for (ParamValue v : values) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(v.render());
      }
      return sb.toString();
    }
  }
}
