package dev.kiln.pipelines.validation;

import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.InputPatch;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OutputSpec;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterPatch;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.types.ArtifactType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a whole project and reports every problem at once: duplicate and unknown names (with
 * did-you-mean), edges whose ends do not exist or do not fit, type mismatches, cycles, and
 * parameter values that break their spec.
 *
 * <p>Step defaults that do not fit their parameter are warnings, as in Valohai (the file is still
 * usable); values given for a run or a node are errors.
 */
public final class Validator {
  private final Project project;
  private final List<Problem> problems = new ArrayList<>();

  private Validator(Project project) {
    this.project = project;
  }

  /** Every problem of the project, in the order of the definitions. */
  public static List<Problem> validate(Project project) {
    Validator v = new Validator(project);
    v.run();
    return List.copyOf(v.problems);
  }

  /** Throws one exception listing every problem if there is any error. */
  public static void checkValid(Project project) {
    List<Problem> found = validate(project);
    if (found.stream().anyMatch(Problem::isError)) {
      throw new PipelineValidationException(found);
    }
  }

  /**
   * What stops a pipeline from running with the inputs a user supplies: required inputs that
   * nothing feeds (errors), and nodes Kiln cannot run yet (warnings).
   *
   * @param supplied per node name, the names of the inputs given when starting the run
   */
  public static List<Problem> checkRunnable(
      Project project, Pipeline pipeline, Map<String, Set<String>> supplied) {
    List<Problem> found = new ArrayList<>();
    ModelPath base = ModelPath.pipeline(pipeline.name());
    Map<String, Set<String>> fedByEdges = new HashMap<>();
    for (Edge e : pipeline.edges()) {
      if (e.target().kind() == PortKind.INPUT) {
        fedByEdges.computeIfAbsent(e.target().node(), k -> new HashSet<>()).add(e.target().key());
      }
    }
    for (int i = 0; i < pipeline.nodes().size(); i++) {
      Node node = pipeline.nodes().get(i);
      ModelPath path = base.field("nodes").index(i);
      if (node instanceof Node.Deployment) {
        found.add(
            Problem.warning(
                "cannot-run-deployment",
                path,
                "node \""
                    + node.name()
                    + "\" is a deployment; Kiln keeps deployment nodes but cannot run them yet,"
                    + " so it will be skipped"));
        continue;
      }
      Optional<Step> step = project.effectiveStep(node);
      if (step.isEmpty()) {
        continue;
      }
      Set<String> fed = new HashSet<>(supplied.getOrDefault(node.name(), Set.of()));
      fed.addAll(fedByEdges.getOrDefault(node.name(), Set.of()));
      for (InputSpec in : step.get().inputs()) {
        if (!in.optional() && in.defaults().isEmpty() && !fed.contains(in.name())) {
          found.add(
              Problem.error(
                      "missing-input",
                      path,
                      "input \""
                          + in.name()
                          + "\" of node \""
                          + node.name()
                          + "\" is required, but it has no default, no edge feeds it and the"
                          + " run does not give it")
                  .withHint(
                      "give it with --input " + node.name() + "." + in.name() + "=URI"));
        }
      }
    }
    return found;
  }

  /**
   * What is wrong with {@code value} for {@code spec}: its type, its range, its choices, or a list
   * where one value is expected. Empty when the value fits.
   */
  public static List<String> checkValue(ParameterSpec spec, ParamValue value) {
    List<String> out = new ArrayList<>();
    if (value instanceof ParamValue.ListValue list) {
      if (spec.multiple() == MultipleMode.NONE) {
        out.add(
            "gives several values, but parameter \""
                + spec.name()
                + "\" takes one (set multiple: repeat or separate)");
        return out;
      }
      for (ParamValue v : list.values()) {
        out.addAll(checkValue(spec, v));
      }
      return out;
    }
    String shown = quote(value);
    switch (spec.type()) {
      case INTEGER -> {
        if (!(value instanceof ParamValue.IntValue)) {
          out.add(shown + " is not an integer");
          return out;
        }
      }
      case FLOAT -> {
        if (!(value instanceof ParamValue.IntValue || value instanceof ParamValue.FloatValue)) {
          out.add(shown + " is not a number");
          return out;
        }
      }
      case FLAG -> {
        if (!(value instanceof ParamValue.FlagValue)) {
          out.add(shown + " is not a flag (true or false)");
          return out;
        }
      }
      case STRING -> {
        if (value instanceof ParamValue.FlagValue) {
          out.add(shown + " is a flag, not a string; quote it");
          return out;
        }
      }
    }
    Optional<Double> number = asNumber(value);
    if (number.isPresent() && spec.type() != ParameterType.STRING) {
      double n = number.get();
      spec.min()
          .filter(min -> n < min)
          .ifPresent(
              min -> out.add(shown + " is less than the minimum (" + formatNumber(min) + ")"));
      spec.max()
          .filter(max -> n > max)
          .ifPresent(
              max -> out.add(shown + " is greater than the maximum (" + formatNumber(max) + ")"));
    }
    if (!spec.choices().isEmpty()
        && spec.choices().stream().noneMatch(c -> c.render().equals(value.render()))) {
      out.add(
          shown
              + " is not one of the choices ("
              + spec.choices().stream().map(Validator::quote).collect(Collectors.joining(", "))
              + ")");
    }
    return out;
  }

  private void run() {
    Map<String, Integer> stepCounts = new HashMap<>();
    for (Step step : project.steps()) {
      int n = stepCounts.merge(step.name(), 1, Integer::sum);
      ModelPath path = ModelPath.step(step.name()).occurrence(n);
      if (n == 2) {
        problems.add(
            Problem.warning(
                    "duplicate-step",
                    path.field("name"),
                    "duplicate step name \"" + step.name() + "\"")
                .withHint("the last definition is used; rename one of them"));
      }
      checkStep(step, path);
    }
    Map<String, Integer> pipelineCounts = new HashMap<>();
    for (Pipeline pipeline : project.pipelines()) {
      int n = pipelineCounts.merge(pipeline.name(), 1, Integer::sum);
      ModelPath path = ModelPath.pipeline(pipeline.name()).occurrence(n);
      if (n == 2) {
        problems.add(
            Problem.error(
                    "duplicate-pipeline",
                    path.field("name"),
                    "duplicate pipeline name \"" + pipeline.name() + "\"")
                .withHint("pipelines are run by name; rename one of them"));
      }
      new PipelineCheck(pipeline, path).run();
    }
  }

  private void checkStep(Step step, ModelPath path) {
    duplicates(
        step.parameters(), ParameterSpec::name, path.field("parameters"), "parameter", true);
    duplicates(step.inputs(), InputSpec::name, path.field("inputs"), "input", true);
    duplicates(step.outputs(), OutputSpec::name, path.field("outputs"), "output", true);
    for (int i = 0; i < step.parameters().size(); i++) {
      ParameterSpec p = step.parameters().get(i);
      ModelPath pp = path.field("parameters").index(i);
      if (p.type() == ParameterType.FLAG && p.optional()) {
        problems.add(
            Problem.warning(
                "ineffective-optional",
                pp.field("optional"),
                "optional has no effect on a flag parameter (\"" + p.name() + "\")"));
      }
      if (p.min().isPresent() && p.max().isPresent() && p.min().get() > p.max().get()) {
        problems.add(
            Problem.warning(
                "empty-range",
                pp.field("min"),
                "min ("
                    + formatNumber(p.min().get())
                    + ") is greater than max ("
                    + formatNumber(p.max().get())
                    + ")"));
      }
      if (p.defaultValue().isPresent()) {
        for (String m : checkValue(p, p.defaultValue().get())) {
          problems.add(Problem.warning("bad-default", pp.field("default"), "default " + m));
        }
      }
    }
  }

  /** The checks of one pipeline, with the names and steps of its nodes at hand. */
  private final class PipelineCheck {
    private final Pipeline pipeline;
    private final ModelPath path;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Step> steps = new HashMap<>();

    PipelineCheck(Pipeline pipeline, ModelPath path) {
      this.pipeline = pipeline;
      this.path = path;
    }

    void run() {
      duplicates(pipeline.nodes(), Node::name, path.field("nodes"), "node", true);
      for (int i = 0; i < pipeline.nodes().size(); i++) {
        Node node = pipeline.nodes().get(i);
        nodes.putIfAbsent(node.name(), node);
        checkNode(node, path.field("nodes").index(i));
      }
      for (int i = 0; i < pipeline.edges().size(); i++) {
        checkEdge(pipeline.edges().get(i), path.field("edges").index(i));
      }
      checkCycles();
      for (int i = 0; i < pipeline.parameters().size(); i++) {
        checkPipelineParameter(pipeline.parameters().get(i), path.field("parameters").index(i));
      }
    }

    private void checkNode(Node node, ModelPath np) {
      if (node instanceof Node.Execution e) {
        Optional<Step> step = knownStep(e.step(), np.field("step"), node.name());
        step.ifPresent(s -> checkOverride(e.override(), s, np.field("override"), node.name()));
        step.ifPresent(s -> steps.put(node.name(), e.override().applyTo(s)));
      } else if (node instanceof Node.Task t) {
        if (t.step().isEmpty() && t.task().isEmpty()) {
          problems.add(
              Problem.error(
                  "task-without-step",
                  np,
                  "task node \"" + node.name() + "\" names neither a step nor a task"));
          return;
        }
        Optional<String> stepName = t.step();
        if (t.task().isPresent()) {
          String taskName = t.task().get();
          if (project.task(taskName).isEmpty()) {
            problems.add(
                unknown(
                    "unknown-task",
                    np.field("task"),
                    "node \""
                        + node.name()
                        + "\" of pipeline \""
                        + pipeline.name()
                        + "\" names task",
                    taskName,
                    project.tasks().stream().map(tb -> tb.name()).toList()));
          } else if (stepName.isEmpty()) {
            stepName = project.task(taskName).get().step();
          }
        }
        if (stepName.isPresent()) {
          ModelPath where = t.step().isPresent() ? np.field("step") : np.field("task");
          Optional<Step> step = knownStep(stepName.get(), where, node.name());
          step.ifPresent(s -> checkOverride(t.override(), s, np.field("override"), node.name()));
          step.ifPresent(s -> steps.put(node.name(), t.override().applyTo(s)));
        }
      } else if (node instanceof Node.Deployment) {
        problems.add(
            Problem.note(
                "deployment-kept",
                np,
                "deployment node \""
                    + node.name()
                    + "\" is kept, but Kiln cannot run deployments yet"));
      }
    }

    private Optional<Step> knownStep(String stepName, ModelPath where, String nodeName) {
      Optional<Step> step = lastStep(stepName);
      if (step.isEmpty()) {
        problems.add(
            unknown(
                "unknown-step",
                where,
                "node \"" + nodeName + "\" names step",
                stepName,
                project.steps().stream().map(Step::name).distinct().toList()));
      }
      return step;
    }

    private void checkOverride(StepOverride o, Step step, ModelPath op, String nodeName) {
      List<String> inputNames = step.inputs().stream().map(InputSpec::name).toList();
      for (int i = 0; i < o.inputs().size(); i++) {
        InputPatch patch = o.inputs().get(i);
        if (step.input(patch.name()).isEmpty()) {
          problems.add(
              unknown(
                  "unknown-input",
                  op.field("inputs").index(i).field("name"),
                  "override of node \"" + nodeName + "\" names input",
                  patch.name(),
                  inputNames,
                  "step \"" + step.name() + "\" has"));
        }
      }
      List<String> paramNames = step.parameters().stream().map(ParameterSpec::name).toList();
      for (int i = 0; i < o.parameters().size(); i++) {
        ParameterPatch patch = o.parameters().get(i);
        ModelPath pp = op.field("parameters").index(i);
        Optional<ParameterSpec> spec = step.parameter(patch.name());
        if (spec.isEmpty()) {
          problems.add(
              unknown(
                  "unknown-parameter",
                  pp.field("name"),
                  "override of node \"" + nodeName + "\" names parameter",
                  patch.name(),
                  paramNames,
                  "step \"" + step.name() + "\" has"));
        } else if (patch.defaultValue().isPresent()) {
          ParameterSpec merged = patch.applyTo(spec.get());
          for (String m : checkValue(merged, patch.defaultValue().get())) {
            problems.add(
                Problem.error(
                    "bad-value",
                    pp.field("default"),
                    "value of parameter \"" + patch.name() + "\": " + m));
          }
        }
      }
    }

    private void checkEdge(Edge edge, ModelPath ep) {
      EdgeEnd src = edge.source();
      EdgeEnd dst = edge.target();
      boolean srcOk = checkEnd(src, ep.field("source"), true);
      boolean dstOk = checkEnd(dst, ep.field("target"), false);
      if (!srcOk || !dstOk) {
        return;
      }
      Set<PortKind> allowed =
          switch (dst.kind()) {
            case INPUT -> Set.of(PortKind.OUTPUT, PortKind.INPUT);
            case PARAMETER -> Set.of(PortKind.PARAMETER, PortKind.METADATA, PortKind.DEPLOYMENT);
            case FILE -> Set.of(PortKind.OUTPUT);
            default -> Set.of();
          };
      if (!allowed.contains(src.kind())) {
        problems.add(
            Problem.error(
                    "edge-kind-mismatch",
                    ep,
                    "an edge into "
                        + article(dst.kind())
                        + " cannot come from "
                        + article(src.kind())
                        + " ("
                        + src
                        + " -> "
                        + dst
                        + ")")
                .withHint(
                    article(dst.kind())
                        + " takes "
                        + allowed.stream()
                            .map(k -> k.yamlName() + "s")
                            .sorted()
                            .collect(Collectors.joining(" or "))));
        return;
      }
      Optional<ArtifactType> produced = typeOf(src);
      Optional<ArtifactType> wanted = typeOf(dst);
      if (produced.isPresent() && wanted.isPresent() && !wanted.get().accepts(produced.get())) {
        problems.add(
            Problem.error(
                "type-mismatch",
                ep,
                src
                    + " carries "
                    + produced.get()
                    + ", but "
                    + dst
                    + " takes "
                    + wanted.get()));
      }
    }

    /** Checks that an edge end names a known node, a fitting kind and an existing port. */
    private boolean checkEnd(EdgeEnd end, ModelPath where, boolean isSource) {
      Node node = nodes.get(end.node());
      if (node == null) {
        problems.add(
            unknown(
                "unknown-node",
                where,
                (isSource ? "edge source " : "edge target ") + "names node",
                end.node(),
                List.copyOf(nodes.keySet())));
        return false;
      }
      if (isSource ? !end.kind().canBeSource() : !end.kind().canBeTarget()) {
        problems.add(
            Problem.error(
                "bad-edge-kind",
                where,
                "\""
                    + end.kind().yamlName()
                    + "\" cannot be an edge "
                    + (isSource ? "source" : "target")
                    + " ("
                    + end
                    + ")")
                .withHint(
                    isSource
                        ? "sources are output, input, parameter, metadata or deployment"
                        : "targets are input, parameter or file"));
        return false;
      }
      boolean deployment = node instanceof Node.Deployment;
      if (end.kind() == PortKind.DEPLOYMENT && !deployment) {
        problems.add(
            Problem.error(
                "deployment-edge-from-non-deployment",
                where,
                "a deployment edge must start at a deployment node, but \""
                    + end.node()
                    + "\" is "
                    + article(node.typeName())));
        return false;
      }
      if (end.kind() == PortKind.FILE && !deployment) {
        problems.add(
            Problem.error(
                "file-edge-to-non-deployment",
                where,
                "a file edge must end at a deployment node, but \""
                    + end.node()
                    + "\" is "
                    + article(node.typeName())));
        return false;
      }
      if (deployment) {
        if (end.kind() != (isSource ? PortKind.DEPLOYMENT : PortKind.FILE)) {
          problems.add(
              Problem.error(
                  "deployment-edge",
                  where,
                  "deployment node \""
                      + end.node()
                      + (isSource
                          ? "\" only gives deployment values (deployment.id, deployment.version_id), not "
                          : "\" only takes file edges, not ")
                      + end.kind().yamlName()));
          return false;
        }
        return true;
      }
      Step step = steps.get(end.node());
      if (step == null) {
        return true; // the node's own problem (unknown step) is already reported
      }
      switch (end.kind()) {
        case INPUT -> {
          if (step.input(end.key()).isEmpty()) {
            problems.add(
                unknown(
                    "unknown-input",
                    where,
                    "edge names input",
                    end.key(),
                    step.inputs().stream().map(InputSpec::name).toList(),
                    "node \"" + end.node() + "\" (step \"" + step.name() + "\") has"));
            return false;
          }
        }
        case PARAMETER -> {
          if (step.parameter(end.key()).isEmpty()) {
            problems.add(
                unknown(
                    "unknown-parameter",
                    where,
                    "edge names parameter",
                    end.key(),
                    step.parameters().stream().map(ParameterSpec::name).toList(),
                    "node \"" + end.node() + "\" (step \"" + step.name() + "\") has"));
            return false;
          }
        }
        case OUTPUT -> {
          if (!step.outputs().isEmpty() && step.output(end.key()).isEmpty()) {
            problems.add(
                unknown(
                    "unknown-output",
                    where,
                    "edge names output",
                    end.key(),
                    step.outputs().stream().map(OutputSpec::path).toList(),
                    "node \"" + end.node() + "\" (step \"" + step.name() + "\") declares"));
            return false;
          }
        }
        default -> {
          // metadata keys are whatever a step prints; nothing to check before it runs
        }
      }
      return true;
    }

    private Optional<ArtifactType> typeOf(EdgeEnd end) {
      Step step = steps.get(end.node());
      if (step == null) {
        return Optional.empty();
      }
      return switch (end.kind()) {
        case OUTPUT -> step.output(end.key()).map(OutputSpec::type);
        case INPUT -> step.input(end.key()).map(InputSpec::type);
        default -> Optional.empty();
      };
    }

    private void checkCycles() {
      Map<String, List<Integer>> out = new HashMap<>();
      for (int i = 0; i < pipeline.edges().size(); i++) {
        Edge e = pipeline.edges().get(i);
        if (nodes.containsKey(e.source().node()) && nodes.containsKey(e.target().node())) {
          out.computeIfAbsent(e.source().node(), k -> new ArrayList<>()).add(i);
        }
      }
      Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
      Set<String> reported = new HashSet<>();
      for (String start : nodes.keySet()) {
        if (state.containsKey(start)) {
          continue;
        }
        // Iterative DFS, so a 10,000-node chain does not overflow the stack.
        Deque<String> stack = new ArrayDeque<>();
        Deque<Integer> cursor = new ArrayDeque<>();
        stack.push(start);
        cursor.push(0);
        state.put(start, 1);
        while (!stack.isEmpty()) {
          String n = stack.peek();
          List<Integer> edgesOut = out.getOrDefault(n, List.of());
          int c = cursor.pop();
          if (c >= edgesOut.size()) {
            state.put(n, 2);
            stack.pop();
            continue;
          }
          cursor.push(c + 1);
          int edgeIndex = edgesOut.get(c);
          String next = pipeline.edges().get(edgeIndex).target().node();
          Integer s = state.get(next);
          if (s == null) {
            state.put(next, 1);
            stack.push(next);
            cursor.push(0);
          } else if (s == 1) {
            List<String> cycle = new ArrayList<>();
            for (String m : stack) { // top first
              cycle.add(0, m);
              if (m.equals(next)) {
                break;
              }
            }
            cycle.add(next);
            String key = canonical(cycle);
            if (reported.add(key)) {
              problems.add(
                  Problem.error(
                          "cycle",
                          path.field("edges").index(edgeIndex),
                          "edges form a cycle: " + String.join(" -> ", cycle))
                      .withHint("a pipeline is a DAG; remove one of these edges"));
            }
          }
        }
      }
    }

    private void checkPipelineParameter(PipelineParameter param, ModelPath pp) {
      if (param.targets().isEmpty()) {
        problems.add(
            Problem.warning(
                    "targetless-parameter",
                    pp,
                    "pipeline parameter \"" + param.name() + "\" has no targets, so it sets nothing")
                .withHint("add targets: [node.parameter.name]"));
      }
      for (int i = 0; i < param.targets().size(); i++) {
        EdgeEnd t = param.targets().get(i);
        ModelPath tp = pp.field("targets").index(i);
        if (t.kind() != PortKind.PARAMETER) {
          problems.add(
              Problem.error(
                  "bad-parameter-target",
                  tp,
                  "pipeline parameter targets must be node parameters, not "
                      + t.kind().yamlName()
                      + " ("
                      + t
                      + ")"));
          continue;
        }
        if (!checkEnd(t, tp, false)) {
          continue;
        }
        Step step = steps.get(t.node());
        if (step != null && param.defaultValue().isPresent()) {
          step.parameter(t.key())
              .ifPresent(
                  spec -> {
                    for (String m : checkValue(spec, param.defaultValue().get())) {
                      problems.add(
                          Problem.warning(
                              "bad-default",
                              pp.field("default"),
                              "default for " + t + ": " + m));
                    }
                  });
        }
      }
    }
  }

  private Optional<Step> lastStep(String name) {
    Step found = null;
    for (Step s : project.steps()) {
      if (s.name().equals(name)) {
        found = s;
      }
    }
    return Optional.ofNullable(found);
  }

  private <T> void duplicates(
      List<T> items, Function<T, String> name, ModelPath listPath, String what, boolean error) {
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String n = name.apply(items.get(i));
      Integer prev = first.putIfAbsent(n, i);
      if (prev != null) {
        String message =
            "duplicate " + what + " name \"" + n + "\" (also at " + what + "s[" + prev + "])";
        ModelPath p = listPath.index(i).field("name");
        problems.add(
            error
                ? Problem.error("duplicate-" + what, p, message)
                : Problem.warning("duplicate-" + what, p, message));
      }
    }
  }

  private static Problem unknown(
      String code, ModelPath where, String prefix, String name, List<String> known) {
    return unknown(code, where, prefix, name, known, "known");
  }

  private static Problem unknown(
      String code,
      ModelPath where,
      String prefix,
      String name,
      List<String> known,
      String knownLabel) {
    Problem p =
        Problem.error(
            code,
            where,
            prefix + " \"" + name + "\", which does not exist "
                + DidYouMean.known(knownLabel, known));
    return DidYouMean.hint(name, known).map(p::withHint).orElse(p);
  }

  private static String canonical(List<String> cycle) {
    List<String> ring = cycle.subList(0, cycle.size() - 1);
    int min = 0;
    for (int i = 1; i < ring.size(); i++) {
      if (ring.get(i).compareTo(ring.get(min)) < 0) {
        min = i;
      }
    }
    List<String> rotated = new ArrayList<>(ring.subList(min, ring.size()));
    rotated.addAll(ring.subList(0, min));
    return String.join("\u0000", rotated);
  }

  private static String article(PortKind kind) {
    return article(kind.yamlName());
  }

  private static String article(String word) {
    return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }

  private static Optional<Double> asNumber(ParamValue v) {
    if (v instanceof ParamValue.IntValue i) {
      return Optional.of((double) i.value());
    }
    if (v instanceof ParamValue.FloatValue f) {
      return Optional.of(f.value());
    }
    return Optional.empty();
  }

  private static String quote(ParamValue v) {
    return v instanceof ParamValue.StringValue s ? "\"" + s.value() + "\"" : v.render();
  }

  static String formatNumber(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
