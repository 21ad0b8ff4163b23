package dev.kiln.compat.valohai.yaml;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves plain scalars as PyYAML's {@code SafeLoader} does (YAML 1.1 rules), because that is what
 * the reference parser sees: {@code yes}/{@code on} are booleans, a float needs a dot, {@code 0755}
 * is octal, an unquoted date is a timestamp.
 */
final class ScalarResolver {
  private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
  private static final Set<String> TRUES =
      Set.of("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
  private static final Set<String> FALSES =
      Set.of("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
  private static final Pattern INT =
      Pattern.compile(
          "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
              + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  private static final Pattern FLOAT =
      Pattern.compile(
          "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
              + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)"
              + "|\\.(?:nan|NaN|NAN)");
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}"
              + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
              + "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?");

  private ScalarResolver() {}

  static YamlNode.YamlScalar resolve(Mark mark, String text, boolean plain) {
    if (!plain) {
      return new YamlNode.YamlScalar(mark, ScalarKind.STRING, text, text);
    }
    if (NULLS.contains(text)) {
      return new YamlNode.YamlScalar(mark, ScalarKind.NULL, text, null);
    }
    if (TRUES.contains(text)) {
      return new YamlNode.YamlScalar(mark, ScalarKind.BOOLEAN, text, Boolean.TRUE);
    }
    if (FALSES.contains(text)) {
      return new YamlNode.YamlScalar(mark, ScalarKind.BOOLEAN, text, Boolean.FALSE);
    }
    if (INT.matcher(text).matches()) {
      return new YamlNode.YamlScalar(mark, ScalarKind.INTEGER, text, parseInt(text));
    }
    if (FLOAT.matcher(text).matches()) {
      return new YamlNode.YamlScalar(mark, ScalarKind.FLOAT, text, parseFloat(text));
    }
    if (TIMESTAMP.matcher(text).matches()) {
      return new YamlNode.YamlScalar(
          mark, ScalarKind.TIMESTAMP, text, new YamlNode.YamlTimestamp(text));
    }
    return new YamlNode.YamlScalar(mark, ScalarKind.STRING, text, text);
  }

  private static Object parseInt(String text) {
    String t = text.replace("_", "");
    int sign = 1;
    if (t.startsWith("-")) {
      sign = -1;
      t = t.substring(1);
    } else if (t.startsWith("+")) {
      t = t.substring(1);
    }
    BigInteger v;
    if (t.equals("0")) {
      v = BigInteger.ZERO;
    } else if (t.startsWith("0b")) {
      v = new BigInteger(t.substring(2), 2);
    } else if (t.startsWith("0x")) {
      v = new BigInteger(t.substring(2), 16);
    } else if (t.startsWith("0")) {
      v = new BigInteger(t.substring(1), 8);
    } else if (t.contains(":")) {
      v = BigInteger.ZERO;
      for (String part : t.split(":")) {
        v = v.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
      }
    } else {
      v = new BigInteger(t);
    }
    if (sign < 0) {
      v = v.negate();
    }
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private static double parseFloat(String text) {
    String t = text.replace("_", "").toLowerCase(Locale.ROOT);
    if (t.endsWith(".inf")) {
      return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (t.endsWith(".nan")) {
      return Double.NaN;
    }
    if (t.contains(":")) {
      int sign = t.startsWith("-") ? -1 : 1;
      String u = t.replaceFirst("^[-+]", "");
      double v = 0;
      for (String part : u.split(":")) {
        v = v * 60 + Double.parseDouble(part);
      }
      return sign * v;
    }
    return Double.parseDouble(t);
  }
}
