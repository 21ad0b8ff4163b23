package dev.kiln.pipelines.command;

import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands the placeholders of command lines, following the reference parser exactly:
 *
 * <ul>
 *   <li>{@code {parameters}} (or {@code {params}}): every parameter that has a value, in declared
 *       order, each formatted by its pass-as rule and shell-quoted;
 *   <li>{@code {parameter:NAME}}: that parameter alone, formatted the same way;
 *   <li>{@code {parameter-value:NAME}}: the bare value, shell-quoted;
 *   <li>special names such as {@code {source-path}}; anything else in braces is left as written, so
 *       shell syntax like {@code ${HOME}} survives.
 * </ul>
 *
 * <p>A parameter with no value (null) is left out. Flags are passed as {@code --NAME} when true
 * and omitted when false, unless {@code pass-true-as}/{@code pass-false-as} say otherwise.
 */
public final class CommandBuilder {
  private static final Pattern INTERPOLABLE = Pattern.compile("\\{(.+?)\\}");
  private static final Pattern TEMPLATE_FIELD = Pattern.compile("\\{\\{|\\}\\}|\\{([^{}]*)\\}");

  private CommandBuilder() {}

  /**
   * The command lines of {@code step} for the given values, as Valohai builds them: step defaults
   * fill in what {@code values} does not give, except for flags, whose defaults do not apply (a flag
   * nobody set stays unset). A null value in {@code values} removes the parameter.
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
    Map<String, String> special = new HashMap<>();
    if (step.extensions().get("source-path") instanceof String sourcePath) {
      special.put("source-path", sourcePath);
    }
    return expand(command.lines(), step.parameters(), merged, special);
  }

  /**
   * Expands each line of {@code lines} with exactly the values given (no defaults are added); a
   * missing or null value means the parameter is not passed. Lines are trimmed, as Valohai does.
   */
  public static List<String> expand(
      List<String> lines,
      List<ParameterSpec> parameters,
      Map<String, ParamValue> values,
      Map<String, String> special) {
    Map<String, ParameterSpec> byName = new LinkedHashMap<>();
    for (ParameterSpec p : parameters) {
      byName.putIfAbsent(p.name(), p);
    }
    List<String> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      Matcher m = INTERPOLABLE.matcher(line);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String replacement = replace(m.group(1), m.group(0), byName, values, special);
        m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(sb);
      out.add(sb.toString().strip());
    }
    return out;
  }

  private static String replace(
      String key,
      String original,
      Map<String, ParameterSpec> params,
      Map<String, ParamValue> values,
      Map<String, String> special) {
    if (special.containsKey(key)) {
      return ShellQuote.quote(special.get(key));
    }
    if (key.equals("parameters") || key.equals("params")) {
      List<String> args = new ArrayList<>();
      for (ParameterSpec p : params.values()) {
        formatCli(p, values.get(p.name())).ifPresent(args::addAll);
      }
      return ShellQuote.quoteAll(args);
    }
    if (key.startsWith("parameter:")) {
      String name = key.substring("parameter:".length());
      ParameterSpec p = params.get(name);
      if (p != null) {
        return ShellQuote.quoteAll(formatCli(p, values.get(name)).orElse(List.of()));
      }
    }
    if (key.startsWith("parameter-value:")) {
      String name = key.substring("parameter-value:".length());
      if (values.containsKey(name) && values.get(name) != null) {
        return ShellQuote.quote(PythonStr.str(values.get(name)));
      }
    }
    return original;
  }

  /**
   * The command-line arguments for one parameter (not yet quoted), or empty when the parameter is
   * not passed at all.
   *
   * @throws IllegalArgumentException for several values given to a parameter that is not {@code
   *     multiple}
   */
  public static Optional<List<String>> formatCli(ParameterSpec p, ParamValue value) {
    Optional<String> template = template(p, value);
    if (template.isEmpty()) {
      return Optional.empty();
    }
    String[] bits = template.get().trim().split("\\s+");
    if (p.multiple() == MultipleMode.REPEAT) {
      List<String> out = new ArrayList<>();
      for (ParamValue atom : atoms(value)) {
        if (atom instanceof ParamValue.ListValue) {
          throw new IllegalArgumentException(
              "parameter \"" + p.name() + "\": a nested list is not a value");
        }
        out.addAll(format(bits, p.name(), PythonStr.str(atom)));
      }
      return Optional.of(out);
    }
    if (p.multiple() == MultipleMode.SEPARATE) {
      List<ParamValue> atoms = atoms(value);
      if (atoms.isEmpty()) {
        return Optional.empty();
      }
      StringBuilder joined = new StringBuilder();
      for (ParamValue atom : atoms) {
        if (joined.length() > 0) {
          joined.append(p.multipleSeparator().orElse(","));
        }
        joined.append(PythonStr.str(atom));
      }
      return Optional.of(format(bits, p.name(), joined.toString()));
    }
    if (value instanceof ParamValue.ListValue) {
      throw new IllegalArgumentException(
          "parameter \"" + p.name() + "\" takes one value, but got a list; set `multiple` on it");
    }
    return Optional.of(format(bits, p.name(), PythonStr.str(value)));
  }

  private static Optional<String> template(ParameterSpec p, ParamValue value) {
    if (p.type() == ParameterType.FLAG) {
      if (p.passTrueAs().isPresent() || p.passFalseAs().isPresent()) {
        Optional<String> t = truthy(value) ? p.passTrueAs() : p.passFalseAs();
        return t.filter(s -> !s.isEmpty());
      }
      if (!truthy(value)) {
        return Optional.empty();
      }
    }
    if (value == null) {
      return Optional.empty();
    }
    String passAs = p.passAs().filter(s -> !s.isEmpty()).orElse(
        p.type() == ParameterType.FLAG ? "--{name}" : "--{name}={value}");
    return Optional.of(passAs);
  }

  /** Python truthiness of a value, as the reference parser tests flags. */
  static boolean truthy(ParamValue v) {
    if (v == null) {
      return false;
    }
    if (v instanceof ParamValue.FlagValue b) {
      return b.value();
    }
    if (v instanceof ParamValue.IntValue i) {
      return i.value() != 0;
    }
    if (v instanceof ParamValue.FloatValue f) {
      return f.value() != 0;
    }
    if (v instanceof ParamValue.StringValue s) {
      return !s.value().isEmpty();
    }
    return !((ParamValue.ListValue) v).values().isEmpty();
  }

  private static List<ParamValue> atoms(ParamValue v) {
    if (v instanceof ParamValue.ListValue l) {
      return l.values();
    }
    return v == null ? List.of() : List.of(v);
  }

  /** Python's {@code str.format_map} with name, value and v; other fields stay as written. */
  private static List<String> format(String[] bits, String name, String value) {
    List<String> out = new ArrayList<>(bits.length);
    for (String bit : bits) {
      Matcher m = TEMPLATE_FIELD.matcher(bit);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String text = m.group();
        String rep;
        if (text.equals("{{")) {
          rep = "{";
        } else if (text.equals("}}")) {
          rep = "}";
        } else {
          rep =
              switch (m.group(1)) {
                case "name" -> name;
                case "value", "v" -> value;
                default -> text;
              };
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(rep));
      }
      m.appendTail(sb);
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * Joins built lines into one shell script line: blank lines are dropped, a leading shebang line
   * stays on its own line, the rest are joined with {@code separator} (such as {@code " && "}).
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
    if (first.startsWith("#!") && !first.contains("\n")) {
      return kept.size() == 1
          ? first
          : first + "\n" + String.join(separator, kept.subList(1, kept.size()));
    }
    return String.join(separator, kept);
  }
}
