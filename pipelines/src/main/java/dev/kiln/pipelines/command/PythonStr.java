package dev.kiln.pipelines.command;

import dev.kiln.pipelines.ParamValue;
import java.math.BigDecimal;

/**
 * A parameter value as Python's {@code str()} writes it, since that is what Valohai puts on the
 * command line: {@code True}, {@code 0.001}, {@code 1e-05}, {@code 10000000.0}, {@code ['a', 1]}.
 */
final class PythonStr {
  private PythonStr() {}

  static String str(ParamValue v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof ParamValue.StringValue s) {
      return s.value();
    }
    if (v instanceof ParamValue.IntValue i) {
      return Long.toString(i.value());
    }
    if (v instanceof ParamValue.FloatValue f) {
      return floatRepr(f.value());
    }
    if (v instanceof ParamValue.FlagValue b) {
      return b.value() ? "True" : "False";
    }
    StringBuilder sb = new StringBuilder("[");
    boolean first = true;
    for (ParamValue item : ((ParamValue.ListValue) v).values()) {
      sb.append(first ? "" : ", ");
      first = false;
      sb.append(item instanceof ParamValue.StringValue s ? repr(s.value()) : str(item));
    }
    return sb.append(']').toString();
  }

  private static String repr(String s) {
    if (s.contains("'") && !s.contains("\"")) {
      return "\"" + s.replace("\\", "\\\\") + "\"";
    }
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Python's {@code repr(float)}: plain between 1e-4 and 1e16, else exponent with 2+ digits. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d));
    double abs = Math.abs(d);
    if (abs >= 1e-4 && abs < 1e16) {
      String plain = exact.stripTrailingZeros().toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    BigDecimal unscaled = exact.stripTrailingZeros();
    String digits = unscaled.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - unscaled.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
        + String.format("%02d", Math.abs(exponent));
  }
}
