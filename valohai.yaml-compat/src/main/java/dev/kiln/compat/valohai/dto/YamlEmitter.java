package dev.kiln.compat.valohai.dto;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small block-style YAML emitter for plain values (maps, lists, strings, numbers, booleans,
 * null). Written here rather than delegated to a library so that every string is quoted exactly
 * when a YAML 1.1 reader (PyYAML, and ours) would otherwise read it as something else: {@code
 * "yes"}, {@code "1e5"}, {@code "2020-09-02"}, {@code "{parameters}"}.
 */
final class YamlEmitter {
  private static final Pattern SAFE_PLAIN =
      Pattern.compile("[A-Za-z0-9_/.$][A-Za-z0-9_/.$ =+()@,-]*");
  private static final Pattern LOOKS_SPECIAL =
      Pattern.compile(
          "(?i)(y|n|yes|no|true|false|on|off|null|~)"
              + "|[-+]?[0-9_.:]+([eE][-+]?[0-9]+)?"
              + "|[-+]?0[xbo][0-9a-fA-F_]+|[-+]?\\.(inf|nan)"
              + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");

  /** A list written inline, {@code [a, b]} (edges read best that way). */
  record Flow(List<String> items) {}

  private YamlEmitter() {}

  static String emit(Object root) {
    StringBuilder sb = new StringBuilder();
    block(sb, root, 0);
    return sb.toString();
  }

  private static boolean atLineStart(StringBuilder sb) {
    return sb.length() == 0 || sb.charAt(sb.length() - 1) == '\n';
  }

  private static void indent(StringBuilder sb, int n) {
    sb.append(" ".repeat(n));
  }

  /** Writes {@code value} as the content after a key or dash, starting a new line as needed. */
  private static void block(StringBuilder sb, Object value, int indent) {
    if (value instanceof Map<?, ?> m && !m.isEmpty()) {
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first || atLineStart(sb)) {
          indent(sb, indent);
        }
        first = false;
        sb.append(scalar(String.valueOf(e.getKey()))).append(':');
        value(sb, e.getValue(), indent);
      }
    } else if (value instanceof List<?> l && !l.isEmpty()) {
      boolean first = true;
      for (Object item : l) {
        if (!first || atLineStart(sb)) {
          indent(sb, indent);
        }
        first = false;
        sb.append("- ");
        if (item instanceof Map<?, ?> im && !im.isEmpty()) {
          block(sb, item, indent + 2);
        } else if (item instanceof List<?> il && !il.isEmpty()) {
          sb.append('\n');
          block(sb, item, indent + 2);
        } else {
          sb.append(inline(item)).append('\n');
        }
      }
    } else {
      sb.append(inline(value)).append('\n');
    }
  }

  private static void value(StringBuilder sb, Object v, int indent) {
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      sb.append('\n');
      block(sb, v, indent + 2);
    } else if (v instanceof List<?> l && !l.isEmpty()) {
      sb.append('\n');
      block(sb, v, indent + 2);
    } else {
      sb.append(' ').append(inline(v)).append('\n');
    }
  }

  private static String inline(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (v instanceof Double d) {
      return number(d);
    }
    if (v instanceof Float f) {
      return number(f.doubleValue());
    }
    if (v instanceof Number n) {
      return n.toString();
    }
    if (v instanceof Flow f) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < f.items().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(scalar(f.items().get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof List<?>) {
      return "[]";
    }
    if (v instanceof Map<?, ?>) {
      return "{}";
    }
    return scalar(String.valueOf(v));
  }

  /** A float that reads back as the same float in YAML 1.1 (which needs a dot and a signed exponent). */
  static String number(double d) {
    if (Double.isNaN(d)) {
      return ".nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? ".inf" : "-.inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d) + ".0";
    }
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e < 0) {
      return s;
    }
    String mantissa = s.substring(0, e);
    String exp = s.substring(e + 1);
    if (!mantissa.contains(".")) {
      mantissa += ".0";
    }
    return mantissa + "e" + (exp.startsWith("-") ? exp : "+" + exp);
  }

  static String scalar(String s) {
    if (!s.isEmpty()
        && SAFE_PLAIN.matcher(s).matches()
        && !s.endsWith(" ")
        && !LOOKS_SPECIAL.matcher(s.toLowerCase(Locale.ROOT)).matches()) {
      return s;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
