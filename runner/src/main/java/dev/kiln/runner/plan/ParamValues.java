package dev.kiln.runner.plan;

import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parameter values typed on a command line, converted by their parameter's type. */
public final class ParamValues {
  private ParamValues() {}

  /**
   * Converts command-line text to a value of the parameter's type.
   *
   * @throws IllegalArgumentException naming the parameter and what was expected
   */
  public static ParamValue parse(ParameterSpec spec, String text) {
    return switch (spec.type()) {
      case STRING -> ParamValue.of(text);
      case INTEGER -> {
        try {
          yield ParamValue.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "parameter \"" + spec.name() + "\" is an integer, but was given \"" + text + "\"");
        }
      }
      case FLOAT -> {
        try {
          yield ParamValue.of(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "parameter \"" + spec.name() + "\" is a float, but was given \"" + text + "\"");
        }
      }
      case FLAG -> {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (List.of("true", "yes", "1", "on").contains(t)) {
          yield ParamValue.of(true);
        }
        if (List.of("false", "no", "0", "off").contains(t)) {
          yield ParamValue.of(false);
        }
        throw new IllegalArgumentException(
            "parameter \"" + spec.name() + "\" is a flag (true or false), but was given \"" + text
                + "\"");
      }
    };
  }

  /** Several texts for one parameter: a list for {@code multiple} parameters, else an error. */
  public static ParamValue parseAll(ParameterSpec spec, List<String> texts) {
    if (texts.size() == 1 && spec.multiple() == MultipleMode.NONE) {
      return parse(spec, texts.get(0));
    }
    if (spec.multiple() == MultipleMode.NONE) {
      throw new IllegalArgumentException(
          "parameter \"" + spec.name() + "\" takes one value, but was given " + texts.size());
    }
    List<ParamValue> values = new ArrayList<>();
    for (String t : texts) {
      values.add(parse(spec, t));
    }
    return ParamValue.list(values);
  }

  /** A value as plain Java (for JSON): String, Long, Double, Boolean or a List of those. */
  public static Object toPlain(ParamValue v) {
    if (v instanceof ParamValue.StringValue s) {
      return s.value();
    } else if (v instanceof ParamValue.IntValue i) {
      return i.value();
    } else if (v instanceof ParamValue.FloatValue f) {
      return f.value();
    } else if (v instanceof ParamValue.FlagValue b) {
      return b.value();
    }
    List<Object> out = new ArrayList<>();
    for (ParamValue item : ((ParamValue.ListValue) v).values()) {
      out.add(toPlain(item));
    }
    return out;
  }
}
