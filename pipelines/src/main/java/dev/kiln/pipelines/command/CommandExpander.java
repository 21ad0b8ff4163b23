package dev.kiln.pipelines.command;

import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands a step's command lines with parameter values, as Valohai does:
 *
 * <ul>
 *   <li>{@code {parameters}} (or {@code {params}}): every parameter with a value, in declaration
 *       order, each formatted by its pass-as template and shell-quoted;
 *   <li>{@code {parameter:NAME}}: one parameter formatted the same way;
 *   <li>{@code {parameter-value:NAME}}: the bare value, shell-quoted.
 * </ul>
 *
 * Other braces (shell syntax such as {@code ${HOME}}) are left alone. Values print as Python's
 * {@code str()} prints them ({@code True}, {@code 0.001}, {@code 1e-05}), so commands expand to
 * the same text as on Valohai.
 */
public final class CommandExpander {
  private static final Pattern INTERPOLABLE = Pattern.compile("\\{(.+?)}");
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private CommandExpander() {}

  /** The expanded command lines (each stripped, as the reference does). */
  public static List<String> expand(
      List<String> lines, List<ParameterSpec> specs, Map<String, ParamValue> values) {
    return expand(lines, specs, values, Map.of());
  }

  /**
   * As {@link #expand(List, List, Map)}, with special placeholders such as {@code {source-path}}
   * replaced by their (shell-quoted) value first, as the reference's special interpolations are.
   */
  public static List<String> expand(
      List<String> lines,
      List<ParameterSpec> specs,
      Map<String, ParamValue> values,
      Map<String, String> special) {
    Map<String, ParameterSpec> byName = new LinkedHashMap<>();
    specs.forEach(s -> byName.putIfAbsent(s.name(), s));
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      Matcher m = INTERPOLABLE.matcher(line);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String key = m.group(1);
        String replacement =
            special.containsKey(key) ? quote(special.get(key)) : replace(m, byName, values);
        m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(sb);
      out.add(sb.toString().strip());
    }
    return out;
  }

  /**
   * The command lines of a command step for the given values, as Valohai's {@code
   * Step.build_command} builds them: step defaults fill in what {@code values} does not give,
   * except for flags, whose defaults do not apply (a flag nobody set stays unset); a null value in
   * {@code values} removes the parameter; the step's {@code source-path} (kept in its extensions)
   * fills {@code {source-path}}.
   */
  public static List<String> build(Step step, Map<String, ParamValue> values) {
    if (!(step.run() instanceof StepRun.Command command)) {
      throw new IllegalArgumentException("step \"" + step.name() + "\" is not a command step");
    }
    Map<String, ParamValue> merged = new LinkedHashMap<>();
    for (ParameterSpec p : step.parameters()) {
      if (p.type() != ParameterType.FLAG && p.defaultValue().isPresent()) {
        merged.put(p.name(), p.defaultValue().get());
      }
    }
    merged.putAll(values);
    merged.values().removeIf(Objects::isNull);
    Map<String, String> special = new LinkedHashMap<>();
    if (step.extensions().get("source-path") instanceof String sourcePath) {
      special.put("source-path", sourcePath);
    }
    return expand(command.lines(), step.parameters(), merged, special);
  }

  /**
   * Joins built lines into one shell script line as the reference's {@code join_command} does:
   * blank lines are dropped, a leading shebang line stays on its own line, the rest are joined with
   * {@code separator} (such as {@code " && "}).
   */
  public static String join(List<String> lines, String separator) {
    List<String> kept = new ArrayList<>();
    for (String l : lines) {
      if (!l.strip().isEmpty()) {
        kept.add(l.strip());
      }
    }
    if (kept.isEmpty()) {
      return "";
    }
    String first = kept.get(0);
    if (first.startsWith("#!") && !first.contains("\n") && kept.size() > 1) {
      return first + "\n" + String.join(separator, kept.subList(1, kept.size()));
    }
    return String.join(separator, kept);
  }

  private static String replace(
      Matcher m, Map<String, ParameterSpec> specs, Map<String, ParamValue> values) {
    String key = m.group(1);
    if (key.equals("parameters") || key.equals("params")) {
      List<String> args = new ArrayList<>();
      for (ParameterSpec spec : specs.values()) {
        formatCli(spec, values.get(spec.name())).ifPresent(args::addAll);
      }
      return quoteAll(args);
    }
    if (key.startsWith("parameter:")) {
      ParameterSpec spec = specs.get(key.substring("parameter:".length()));
      if (spec != null) {
        return formatCli(spec, values.get(spec.name())).map(CommandExpander::quoteAll).orElse("");
      }
    }
    if (key.startsWith("parameter-value:")) {
      String name = key.substring("parameter-value:".length());
      if (values.containsKey(name)) {
        return quote(pythonStr(values.get(name)));
      }
    }
    return m.group(0);
  }

  /**
   * The arguments one parameter contributes, unquoted; empty when it contributes none (no value,
   * a false flag without {@code pass-false-as}, an empty list).
   *
   * @throws IllegalArgumentException for several values given to a parameter that takes one
   */
  public static Optional<List<String>> formatCli(ParameterSpec spec, ParamValue value) {
    String template;
    if (spec.type() == ParameterType.FLAG) {
      boolean truthy = value != null && truthy(value);
      if (spec.passTrueAs().isPresent() || spec.passFalseAs().isPresent()) {
        template = (truthy ? spec.passTrueAs() : spec.passFalseAs()).orElse(null);
      } else {
        template = truthy ? spec.passAs().orElse("--{name}") : null;
      }
    } else {
      template = value == null ? null : spec.passAs().orElse("--{name}={value}");
    }
    if (template == null || template.isEmpty()) {
      return Optional.empty();
    }
    String[] bits = template.trim().split("\\s+");
    if (spec.multiple() == MultipleMode.REPEAT) {
      List<String> out = new ArrayList<>();
      for (ParamValue atom : atoms(value)) {
        out.addAll(formatAtom(bits, spec.name(), pythonStr(atom)));
      }
      return Optional.of(out);
    }
    if (spec.multiple() == MultipleMode.SEPARATE) {
      List<ParamValue> atoms = atoms(value);
      if (atoms.isEmpty()) {
        return Optional.empty();
      }
      List<String> strs = atoms.stream().map(CommandExpander::pythonStr).toList();
      return Optional.of(formatAtom(bits, spec.name(), String.join(spec.separator(), strs)));
    }
    if (value instanceof ParamValue.ListValue) {
      throw new IllegalArgumentException(
          "parameter \"" + spec.name() + "\" takes one value, but was given a list");
    }
    return Optional.of(formatAtom(bits, spec.name(), pythonStr(value)));
  }

  private static List<String> formatAtom(String[] bits, String name, String value) {
    List<String> out = new ArrayList<>(bits.length);
    for (String bit : bits) {
      out.add(formatBit(bit, name, value));
    }
    return out;
  }

  /** Python's {@code str.format_map} for the fields {@code name}, {@code value} and {@code v}. */
  private static String formatBit(String bit, String name, String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bit.length(); i++) {
      char c = bit.charAt(i);
      if (c == '{' && i + 1 < bit.length() && bit.charAt(i + 1) == '{') {
        sb.append('{');
        i++;
      } else if (c == '}' && i + 1 < bit.length() && bit.charAt(i + 1) == '}') {
        sb.append('}');
        i++;
      } else if (c == '{') {
        int end = bit.indexOf('}', i);
        if (end < 0) {
          throw new IllegalArgumentException("unbalanced '{' in pass-as \"" + bit + "\"");
        }
        String field = bit.substring(i + 1, end);
        switch (field) {
          case "name" -> sb.append(name);
          case "value", "v" -> sb.append(value);
          default ->
              throw new IllegalArgumentException(
                  "pass-as \"" + bit + "\" names {" + field + "}; use {name}, {value} or {v}");
        }
        i = end;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static List<ParamValue> atoms(ParamValue value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof ParamValue.ListValue l) {
      return l.values();
    }
    return List.of(value);
  }

  private static boolean truthy(ParamValue v) {
    if (v instanceof ParamValue.FlagValue f) {
      return f.value();
    }
    if (v instanceof ParamValue.IntValue i) {
      return i.value() != 0;
    }
    if (v instanceof ParamValue.FloatValue d) {
      return d.value() != 0;
    }
    if (v instanceof ParamValue.StringValue s) {
      return !s.value().isEmpty();
    }
    return !((ParamValue.ListValue) v).values().isEmpty();
  }

  /** Python's {@code shlex.quote}. */
  public static String quote(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    if (SAFE.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  private static String quoteAll(List<String> args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(a));
    }
    return sb.toString();
  }

  /** Python's {@code str()} of the value. */
  public static String pythonStr(ParamValue v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof ParamValue.StringValue s) {
      return s.value();
    }
    if (v instanceof ParamValue.IntValue i) {
      return Long.toString(i.value());
    }
    if (v instanceof ParamValue.FloatValue d) {
      return pythonFloat(d.value());
    }
    if (v instanceof ParamValue.FlagValue f) {
      return f.value() ? "True" : "False";
    }
    List<String> items = new ArrayList<>();
    for (ParamValue item : ((ParamValue.ListValue) v).values()) {
      items.add(
          item instanceof ParamValue.StringValue s
              ? "'" + s.value().replace("\\", "\\\\").replace("'", "\\'") + "'"
              : pythonStr(item));
    }
    return "[" + String.join(", ", items) + "]";
  }

  /** Python's {@code repr(float)}: shortest round-trip digits, scientific below 1e-4 or from 1e16. */
  static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = bd.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - bd.scale(); // position of the first digit
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String exp = String.format("%02d", Math.abs(exponent));
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }
    String plain = bd.abs().toPlainString();
    if (!plain.contains(".")) {
      plain = plain + ".0";
    }
    return sign + plain;
  }
}
