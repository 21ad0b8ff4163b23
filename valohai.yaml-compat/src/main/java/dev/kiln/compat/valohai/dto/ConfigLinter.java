package dev.kiln.compat.valohai.dto;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.dto.ValohaiDto.Action;
import dev.kiln.compat.valohai.dto.ValohaiDto.Config;
import dev.kiln.compat.valohai.dto.ValohaiDto.Edge;
import dev.kiln.compat.valohai.dto.ValohaiDto.Endpoint;
import dev.kiln.compat.valohai.dto.ValohaiDto.Item;
import dev.kiln.compat.valohai.dto.ValohaiDto.Node;
import dev.kiln.compat.valohai.dto.ValohaiDto.NodeOverride;
import dev.kiln.compat.valohai.dto.ValohaiDto.Parameter;
import dev.kiln.compat.valohai.dto.ValohaiDto.Pipeline;
import dev.kiln.compat.valohai.dto.ValohaiDto.PipelineParameter;
import dev.kiln.compat.valohai.dto.ValohaiDto.Step;
import dev.kiln.compat.valohai.dto.ValohaiDto.Task;
import dev.kiln.compat.valohai.yaml.Mark;
import dev.kiln.compat.valohai.yaml.YamlNode;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlMap;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlSeq;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.Severity;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reference parser's lint rules that need more than one value: references between items
 * (node → step, node → task, edge → node), override checks, parameter defaults against their type,
 * duplicate names, and the task settings that do not fit the task type. Runs on the records of a
 * file that had the right shape, and reports everything it finds.
 */
public final class ConfigLinter {
  /** Edge end types the reference parser knows. */
  public static final Set<String> EDGE_TYPES =
      Set.of(
          "dependency", "deployment", "environment-variable", "file", "input", "metadata",
          "output", "parameter");

  /** Plural spellings seen in the wild (Valohai's own docs use `outputs`): accepted, with a warning. */
  public static final Map<String, String> EDGE_TYPE_SYNONYMS =
      Map.of("outputs", "output", "inputs", "input", "parameters", "parameter");

  static final Set<String> WELL_KNOWN_WHENS = Set.of("node-complete", "node-starting", "node-error");
  static final Set<String> WELL_KNOWN_THENS = Set.of("noop", "stop-pipeline", "error-pipeline");

  private final Path file;
  private final List<Diagnostic> out = new ArrayList<>();
  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final Map<String, Task> tasks = new LinkedHashMap<>();

  private ConfigLinter(Path file) {
    this.file = file;
  }

  /** Every problem in {@code config}. */
  public static List<Diagnostic> lint(Path file, Config config) {
    ConfigLinter l = new ConfigLinter(file);
    l.run(config);
    return l.out;
  }

  private void report(Severity severity, Mark mark, String message) {
    out.add(new Diagnostic(file, mark.line(), mark.col(), severity, message));
  }

  private static Mark keyMark(YamlNode node, String key) {
    return node instanceof YamlMap m ? m.keyMark(key) : node == null ? Mark.NONE : node.mark();
  }

  private static Mark valueMark(YamlNode node, String key) {
    return node instanceof YamlMap m ? m.valueMark(key) : node == null ? Mark.NONE : node.mark();
  }

  private static String label(Item item, int index) {
    return item.name() == null ? item.kind() + " #" + index : item.kind() + " \"" + item.name() + "\"";
  }

  private void run(Config config) {
    Map<String, Map<String, Item>> firstByKind = new LinkedHashMap<>();
    int index = 0;
    for (Item item : config.items()) {
      index++;
      if (item.name() == null) {
        continue;
      }
      Map<String, Item> seen = firstByKind.computeIfAbsent(item.kind(), k -> new LinkedHashMap<>());
      Item first = seen.putIfAbsent(item.name(), item);
      if (first != null) {
        report(
            Severity.WARNING,
            valueMark(item.source(), "name"),
            label(item, index) + " › name: duplicate " + item.kind() + " name \"" + item.name()
                + "\" (first defined at line " + valueMark(first.source(), "name").line()
                + "); the last one wins");
      }
      if (item instanceof Step s) {
        steps.put(s.name(), s);
      } else if (item instanceof Task t) {
        tasks.put(t.name(), t);
      }
    }
    index = 0;
    for (Item item : config.items()) {
      index++;
      String label = label(item, index);
      if (item instanceof Step s) {
        lintStep(label, s);
      } else if (item instanceof Pipeline p) {
        lintPipeline(label, p);
      } else if (item instanceof Task t) {
        lintTask(label, t);
      } else if (item instanceof Endpoint e) {
        report(
            Severity.NOTE,
            keyMark(e.source(), "name"),
            label + ": endpoints are kept but Kiln does not serve them yet");
      } else if (item instanceof ValohaiDto.Deployment d) {
        report(
            Severity.NOTE,
            keyMark(d.source(), "name"),
            label + ": deployment definitions are kept but Kiln does not deploy yet");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void lintStep(String label, Step s) {
    if (s.runtimeConfigPreset() != null && s.environment() == null) {
      report(
          Severity.ERROR,
          keyMark(s.source(), "runtime-config-preset"),
          label + " › runtime-config-preset: `runtime-config-preset` is given without "
              + "`environment`; a runtime config preset needs an environment");
    }
    if (Boolean.TRUE.equals(s.autorestart()) && s.environment() == null) {
      report(
          Severity.ERROR,
          keyMark(s.source(), "autorestart"),
          label + " › autorestart: `autorestart` needs a (spot instance) `environment`");
    }
    lintExpression(label, s.source(), "stop-condition", s.stopCondition());
    duplicates(label, "parameters", s.parameters().stream().map(p -> new Named(p.name(), p.source())).toList());
    duplicates(label, "inputs", s.inputs().stream().map(p -> new Named(p.name(), p.source())).toList());
    int i = 0;
    for (Parameter p : s.parameters()) {
      lintParameter(label + " › parameters[" + i + "]", p);
      i++;
    }
  }

  private record Named(String name, YamlNode source) {}

  private void duplicates(String label, String what, List<Named> items) {
    Map<String, Named> seen = new LinkedHashMap<>();
    int i = 0;
    for (Named n : items) {
      if (n.name() != null) {
        Named first = seen.putIfAbsent(n.name(), n);
        if (first != null) {
          report(
              Severity.ERROR,
              valueMark(n.source(), "name"),
              label + " › " + what + "[" + i + "].name: duplicate name \"" + n.name()
                  + "\" (first at line " + valueMark(first.source(), "name").line() + ")");
        }
      }
      i++;
    }
  }

  private void lintParameter(String where, Parameter p) {
    String type = p.type() == null ? "string" : p.type();
    YamlNode src = p.source();
    boolean hasPassAs = p.passAs() != null && !p.passAs().isEmpty();
    boolean hasTrue = p.passTrueAs() != null && !p.passTrueAs().isEmpty();
    boolean hasFalse = p.passFalseAs() != null && !p.passFalseAs().isEmpty();
    if (type.equals("flag")) {
      if (Boolean.TRUE.equals(p.optional())) {
        report(Severity.WARNING, keyMark(src, "optional"),
            where + ".optional: `optional` has no effect on a flag parameter");
      }
      if ((hasTrue || hasFalse) && hasPassAs) {
        report(Severity.WARNING, keyMark(src, "pass-as"),
            where + ".pass-as: `pass-as` has no effect with `pass-true-as`/`pass-false-as`");
      }
    } else {
      if (hasTrue) {
        report(Severity.WARNING, keyMark(src, "pass-true-as"),
            where + ".pass-true-as: `pass-true-as` has no effect on a " + type + " parameter");
      }
      if (hasFalse) {
        report(Severity.WARNING, keyMark(src, "pass-false-as"),
            where + ".pass-false-as: `pass-false-as` has no effect on a " + type + " parameter");
      }
    }
    Object def = p.defaultValue();
    if (!truthy(def)) {
      return;
    }
    List<Object> values = def instanceof List<?> l ? new ArrayList<>(l) : List.of(def);
    Mark at = valueMark(src, "default");
    for (Object v : values) {
      for (DefaultProblem problem : defaultProblems(type, v, p)) {
        String text = where + ".default: default " + problem.text();
        if (problem.severity() == Severity.ERROR) {
          String article = type.equals("integer") ? "an " : "a ";
          text += "; parameter " + (p.name() == null ? "" : "\"" + p.name() + "\" ")
              + "has type " + type + ", so its `default` must be " + article
              + (type.equals("integer") ? "integer" : "floating-point number")
              + " (Kiln refuses this, the reference parser only warns)";
        }
        report(problem.severity(), at, text);
      }
    }
  }

  /**
   * One problem with a default. A default that is not a number of an {@code integer} or {@code
   * float} parameter's type is an error (stricter than the reference parser, which only warns: see
   * {@code ValohaiYaml.STRICTER_THAN_REFERENCE_LINT}); the other default checks warn as it does.
   */
  record DefaultProblem(Severity severity, String text) {}

  /** Python truthiness, as the reference parser tests `if self.default`. */
  private static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof List<?> l) {
      return !l.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  private static String pyRepr(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    return String.valueOf(v);
  }

  static List<DefaultProblem> defaultProblems(String type, Object v, Parameter p) {
    List<DefaultProblem> problems = new ArrayList<>();
    if (type.equals("string") && !(v instanceof String)) {
      String what =
          v instanceof YamlNode.YamlTimestamp
              ? "a timestamp (quote it to make it a string)"
              : v instanceof Boolean ? "a boolean" : v instanceof Number ? "a number" : "not a scalar";
      problems.add(new DefaultProblem(
          Severity.WARNING, "value " + pyRepr(v) + " is not a string (it is " + what + ")"));
      return problems;
    }
    String text = v instanceof Boolean b ? (b ? "True" : "False") : String.valueOf(v);
    if (type.equals("integer")) {
      try {
        new BigInteger(text.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        problems.add(new DefaultProblem(
            Severity.ERROR, text.isEmpty() ? "no value supplied" : text + " is not an integer"));
      }
    } else if (type.equals("float")) {
      try {
        Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        problems.add(new DefaultProblem(
            Severity.ERROR,
            text.isEmpty() ? "no value supplied" : text + " is not a floating-point number"));
      }
    }
    if (v instanceof Number n && !(v instanceof Double d && d.isNaN())) {
      if (p.min() != null && n.doubleValue() < p.min().doubleValue()) {
        problems.add(new DefaultProblem(
            Severity.WARNING, v + " is less than the minimum allowed (" + p.min() + ")"));
      }
      if (p.max() != null && n.doubleValue() > p.max().doubleValue()) {
        problems.add(new DefaultProblem(
            Severity.WARNING, v + " is greater than the maximum allowed (" + p.max() + ")"));
      }
    }
    if (p.choices() != null && !type.equals("flag") && !p.choices().contains(v)) {
      problems.add(new DefaultProblem(
          Severity.WARNING, pyRepr(v) + " is not among the choices allowed (" + p.choices() + ")"));
    }
    return problems;
  }

  private void lintExpression(String label, YamlNode src, String key, String expression) {
    if (expression == null) {
      return;
    }
    ExpressionSyntax.check(expression)
        .ifPresent(
            problem ->
                report(
                    Severity.ERROR,
                    valueMark(src, key),
                    label + " › " + key + ": `" + key + "` is not a valid expression: "
                        + problem));
  }

  // ---------------------------------------------------------------------------------------------

  private void lintTask(String label, Task t) {
    lintExpression(label, t.source(), key(t.source(), "stop-condition"), t.stopCondition());
    String type = t.type() == null ? "grid_search" : t.type();
    if (!t.parameterSets().isEmpty() && !type.equals("manual_search")) {
      report(
          Severity.WARNING,
          keyMark(t.source(), key(t.source(), "parameter-sets")),
          label + " › parameter-sets: parameter sets only apply to a manual_search task, this is "
              + type);
    }
    if (!type.equals("bayesian_tpe")) {
      for (String k : List.of("engine", "optimization-target-metric", "optimization-target-value")) {
        String actual = key(t.source(), k);
        if (t.source() instanceof YamlMap m && m.has(actual)) {
          report(
              Severity.WARNING,
              m.keyMark(actual),
              label + " › " + actual + ": `" + actual + "` only applies to a bayesian_tpe task, "
                  + "this is " + type);
        }
      }
    }
  }

  private static String key(YamlNode src, String dashed) {
    String under = dashed.replace('-', '_');
    return src instanceof YamlMap m && !m.has(dashed) && m.has(under) ? under : dashed;
  }

  // ---------------------------------------------------------------------------------------------

  private void lintPipeline(String label, Pipeline p) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    int i = 0;
    for (Node n : p.nodes()) {
      if (n.name() != null) {
        Node first = nodes.putIfAbsent(n.name(), n);
        if (first != null) {
          report(
              Severity.ERROR,
              valueMark(n.source(), "name"),
              label + " › nodes[" + i + "].name: duplicate node name \"" + n.name()
                  + "\" (first at line " + valueMark(first.source(), "name").line() + ")");
        }
      }
      lintNode(label, "nodes[" + i + "]", n);
      i++;
    }
    i = 0;
    for (Edge e : p.edges()) {
      String where = label + " › edges[" + i + "]";
      lintEnd(where, "source", e.source(), endMark(e, 0), nodes);
      lintEnd(where, "target", e.target(), endMark(e, 1), nodes);
      i++;
    }
    i = 0;
    for (PipelineParameter pp : p.parameters()) {
      String where = label + " › parameters[" + i + "]";
      if (pp.targets().isEmpty()) {
        report(
            Severity.WARNING,
            keyMark(pp.source(), "name"),
            where + ": pipeline parameter \"" + pp.name() + "\" has no targets; add `targets:` "
                + "such as `- node.parameter." + pp.name() + "`");
      }
      String key = pp.source() instanceof YamlMap m && m.has("target") && !m.has("targets") ? "target" : "targets";
      int j = 0;
      for (String target : pp.targets()) {
        Mark at = valueMark(pp.source(), key);
        if (pp.source() instanceof YamlMap m && m.get(key).orElse(null) instanceof YamlSeq seq
            && j < seq.items().size()) {
          at = seq.items().get(j).mark();
        }
        lintEnd(where, key + "[" + j + "]", target, at, nodes);
        j++;
      }
      i++;
    }
  }

  private static Mark endMark(Edge e, int which) {
    if (e.node() instanceof YamlSeq seq && seq.items().size() > which) {
      return seq.items().get(which).mark();
    }
    return valueMark(e.node(), which == 0 ? "source" : "target");
  }

  /** Splits an edge end on its first two dots only: node, type, key (the key may hold dots). */
  public static List<String> splitEnd(String end) {
    String[] parts = end.split("\\.", 3);
    return List.of(parts);
  }

  private void lintEnd(String where, String which, String end, Mark at, Map<String, Node> nodes) {
    List<String> parts = splitEnd(end);
    String what = which.startsWith("source") ? "Source" : "Target";
    if (parts.size() != 3) {
      report(
          Severity.ERROR,
          at,
          where + "." + which + ": " + what + " specifier '" + end + "' must have 3 parts "
              + "(it has " + parts.size() + "): node.type.name, such as `train.input.model`");
      return;
    }
    String node = parts.get(0);
    String type = parts.get(1);
    if (!nodes.containsKey(node)) {
      report(
          Severity.ERROR,
          at,
          where + "." + which + ": unknown node \"" + node + "\" "
              + DidYouMean.knownAndHint(node, nodes.keySet()));
    }
    if (EDGE_TYPE_SYNONYMS.containsKey(type)) {
      report(
          Severity.WARNING,
          at,
          where + "." + which + ": `" + type + "` is read as `" + EDGE_TYPE_SYNONYMS.get(type)
              + "`; the reference parser only accepts `" + EDGE_TYPE_SYNONYMS.get(type) + "`");
    } else if (!EDGE_TYPES.contains(type)) {
      report(
          Severity.ERROR,
          at,
          where + "." + which + ": unknown edge type `" + type + "` in '" + end + "' "
              + DidYouMean.knownAndHint(type, new TreeSet<>(EDGE_TYPES)));
    }
  }

  private void lintNode(String label, String path, Node n) {
    String where = label + " › " + path;
    YamlNode src = n.source();
    for (Action a : n.actions()) {
      for (String w : a.when()) {
        if (!WELL_KNOWN_WHENS.contains(w.toLowerCase(Locale.ROOT))) {
          report(Severity.WARNING, valueMark(a.source(), "when"),
              where + ".actions: `when: " + w + "` is not a known event ("
                  + String.join(", ", new TreeSet<>(WELL_KNOWN_WHENS))
                  + "); the action might never run");
        }
      }
      for (String t : a.then()) {
        if (!WELL_KNOWN_THENS.contains(t)) {
          report(Severity.WARNING, valueMark(a.source(), "then"),
              where + ".actions: `then: " + t + "` is not a known action ("
                  + String.join(", ", new TreeSet<>(WELL_KNOWN_THENS))
                  + "); the reference parser would do nothing");
        }
      }
    }
    if ("deployment".equals(n.type())) {
      report(Severity.NOTE, keyMark(src, "type"),
          where + ": deployment nodes are kept, but Kiln cannot deploy yet; the node will be skipped");
      return;
    }
    Step step = null;
    if (n.task() != null) {
      Task t = tasks.get(n.task());
      if (t == null) {
        report(Severity.ERROR, valueMark(src, "task"),
            where + ".task: node \"" + n.name() + "\" names task \"" + n.task()
                + "\", which does not exist " + DidYouMean.knownAndHint(n.task(), tasks.keySet()));
        return;
      }
      step = t.step() == null ? null : steps.get(t.step());
    } else if (n.step() != null) {
      step = steps.get(n.step());
      if (step == null) {
        if (n.commit() != null) {
          return; // a step from another commit or a library: cannot be checked from this file
        }
        report(Severity.ERROR, valueMark(src, "step"),
            where + ".step: node \"" + n.name() + "\" names step \"" + n.step()
                + "\", which does not exist " + DidYouMean.knownAndHint(n.step(), steps.keySet()));
        return;
      }
    }
    NodeOverride o = n.override();
    if (o == null) {
      return;
    }
    if (o.runtimeConfigPreset() != null && o.environment() == null) {
      report(Severity.ERROR, keyMark(o.source(), "runtime-config-preset"),
          where + ".override.runtime-config-preset: an override that sets "
              + "`runtime-config-preset` must also set `environment`");
    }
    if (step == null) {
      return;
    }
    Set<String> inputs = new LinkedHashSet<>();
    step.inputs().forEach(in -> inputs.add(in.name()));
    Set<String> params = new LinkedHashSet<>();
    step.parameters().forEach(pa -> params.add(pa.name()));
    int i = 0;
    for (ValohaiDto.Input in : o.inputs()) {
      if (in.name() != null && !inputs.contains(in.name())) {
        report(Severity.ERROR, valueMark(in.source(), "name"),
            where + ".override.inputs[" + i + "].name: input \"" + in.name()
                + "\" does not exist in step \"" + step.name() + "\" "
                + DidYouMean.knownAndHint(in.name(), inputs));
      }
      i++;
    }
    i = 0;
    for (Parameter pa : o.parameters()) {
      if (pa.name() != null && !params.contains(pa.name())) {
        report(Severity.ERROR, valueMark(pa.source(), "name"),
            where + ".override.parameters[" + i + "].name: parameter \"" + pa.name()
                + "\" does not exist in step \"" + step.name() + "\" "
                + DidYouMean.knownAndHint(pa.name(), params));
      }
      i++;
    }
    Objects.requireNonNull(step);
  }
}
