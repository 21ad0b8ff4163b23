package dev.kiln.runner.plan;

import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.ModelPath;
import dev.kiln.pipelines.validation.PipelineValidationException;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.pipelines.validation.Validator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a pipeline and what a user gave on the command line into a {@link Plan}, or one {@link
 * PipelineValidationException} listing every problem: the definition's own, unknown nodes or
 * parameters in {@code --param}/{@code --input}, values of the wrong type or out of range, and
 * required inputs nothing feeds.
 */
public final class Planner {
  private Planner() {}

  /**
   * @param params values by {@code NODE.PARAMETER} (or a pipeline parameter's name); several values
   *     for one key make a list for {@code multiple} parameters
   * @param inputs URIs by {@code NODE.INPUT}
   */
  public static Plan plan(
      Project project,
      Pipeline pipeline,
      Map<String, List<String>> params,
      Map<String, List<String>> inputs) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    pipeline.nodes().forEach(n -> nodes.putIfAbsent(n.name(), n));
    Set<String> usedSteps = new HashSet<>();
    nodes.values().forEach(n -> project.effectiveStep(n).ifPresent(s -> usedSteps.add(s.name())));
    // The problems of this pipeline and of the steps it uses; other pipelines do not stop it.
    List<Problem> problems = new ArrayList<>();
    for (Problem p : Validator.validate(project)) {
      ModelPath where = p.path();
      boolean mine =
          (where.kind().equals("pipeline") && where.name().equals(pipeline.name()))
              || (where.kind().equals("step") && usedSteps.contains(where.name()));
      if (mine) {
        problems.add(p);
      }
    }

    Map<String, Map<String, ParamValue>> values = new HashMap<>();
    Map<String, Step> steps = new HashMap<>();
    for (Node n : nodes.values()) {
      project.effectiveStep(n).ifPresent(s -> {
        steps.put(n.name(), s);
        Map<String, ParamValue> v = new LinkedHashMap<>();
        for (ParameterSpec p : s.parameters()) {
          p.defaultValue().ifPresent(d -> v.put(p.name(), d));
        }
        values.put(n.name(), v);
      });
    }
    Map<String, PipelineParameter> pipelineParams = new LinkedHashMap<>();
    pipeline.parameters().forEach(pp -> pipelineParams.put(pp.name(), pp));
    for (PipelineParameter pp : pipeline.parameters()) {
      pp.defaultValue().ifPresent(d -> setTargets(pp, d, values));
    }
    for (var e : params.entrySet()) {
      String key = e.getKey();
      ModelPath cli = ModelPath.cli("--param " + key + "=" + String.join(",", e.getValue()));
      PipelineParameter pp = pipelineParams.get(key);
      if (pp != null) {
        Step target = pp.targets().isEmpty() ? null : steps.get(pp.targets().get(0).node());
        ParameterSpec spec =
            target == null ? null : target.parameter(pp.targets().get(0).key()).orElse(null);
        try {
          ParamValue v =
              spec == null ? ParamValue.of(String.join(",", e.getValue()))
                  : ParamValues.parseAll(spec, e.getValue());
          setTargets(pp, v, values);
        } catch (IllegalArgumentException ex) {
          problems.add(Problem.error("bad-param", cli, ex.getMessage()));
        }
        continue;
      }
      int dot = key.indexOf('.');
      if (dot < 0) {
        problems.add(
            Problem.error(
                    "bad-param",
                    cli,
                    "expected NODE.PARAMETER=VALUE or the name of a pipeline parameter")
                .withHint(
                    "pipeline \"" + pipeline.name() + "\" has parameters: "
                        + (pipelineParams.isEmpty() ? "none" : String.join(", ", pipelineParams.keySet()))));
        continue;
      }
      String nodeName = key.substring(0, dot);
      String paramName = key.substring(dot + 1);
      Step step = steps.get(nodeName);
      if (!nodes.containsKey(nodeName)) {
        problems.add(unknown(cli, "no node", nodeName, nodes.keySet()));
        continue;
      }
      if (step == null) {
        continue; // the node's own problem is already reported
      }
      var spec = step.parameter(paramName);
      if (spec.isEmpty()) {
        problems.add(
            unknown(
                cli,
                "node \"" + nodeName + "\" has no parameter",
                paramName,
                step.parameters().stream().map(ParameterSpec::name).toList()));
        continue;
      }
      try {
        ParamValue v = ParamValues.parseAll(spec.get(), e.getValue());
        for (String m : Validator.checkValue(spec.get(), v)) {
          problems.add(Problem.error("bad-param", cli, "parameter \"" + paramName + "\": " + m));
        }
        values.get(nodeName).put(paramName, v);
      } catch (IllegalArgumentException ex) {
        problems.add(Problem.error("bad-param", cli, ex.getMessage()));
      }
    }

    Map<String, Map<String, List<String>>> supplied = new HashMap<>();
    for (var e : inputs.entrySet()) {
      String key = e.getKey();
      ModelPath cliInput = ModelPath.cli("--input " + key + "=" + String.join(",", e.getValue()));
      int dot = key.indexOf('.');
      String nodeName = dot < 0 ? key : key.substring(0, dot);
      if (dot < 0 || !nodes.containsKey(nodeName)) {
        problems.add(
            unknown(cliInput, "expected NODE.INPUT=URI; no node", nodeName,
                nodes.keySet()));
        continue;
      }
      String inputName = key.substring(dot + 1);
      Step step = steps.get(nodeName);
      if (step != null && step.input(inputName).isEmpty()) {
        problems.add(
            unknown(
                cliInput,
                "node \"" + nodeName + "\" has no input",
                inputName,
                step.inputs().stream().map(i -> i.name()).toList()));
        continue;
      }
      supplied.computeIfAbsent(nodeName, k -> new LinkedHashMap<>()).put(inputName, e.getValue());
    }
    Map<String, Set<String>> suppliedNames = new HashMap<>();
    supplied.forEach((n, m) -> suppliedNames.put(n, m.keySet()));
    List<Problem> runnable = Validator.checkRunnable(project, pipeline, suppliedNames);
    problems.addAll(runnable);
    Map<String, TuningSpec> tuning = new HashMap<>();
    for (Node n : nodes.values()) {
      if (n instanceof Node.Task t) {
        ModelPath where =
            ModelPath.pipeline(pipeline.name()).field("nodes").index(pipeline.nodes().indexOf(n));
        var spec = project.tuning(t);
        if (spec.isEmpty()) {
          // Running it once with the step's defaults would look like a search that found nothing.
          problems.add(
              Problem.error(
                  "task-not-run",
                  where,
                  "node \"" + t.name() + "\" is a task (a hyperparameter search"
                      + t.task().map(b -> " from blueprint \"" + b + "\"").orElse("")
                      + ") but names no task blueprint Kiln can run; give it `task:` naming a"
                      + " top-level `- task:` with its parameters, or make it an execution node"
                      + " (type: execution) to run the step once; see docs/tuning.md"));
          continue;
        }
        Step step = steps.get(t.name());
        if (step != null) {
          List<String> known = step.parameters().stream().map(ParameterSpec::name).toList();
          for (var p : spec.get().parameters()) {
            if (step.parameter(p.name()).isEmpty()) {
              problems.add(
                  unknown(
                      where, "the task searches a parameter step \"" + step.name() + "\" does not have:",
                      p.name(), known));
            }
          }
        }
        tuning.put(t.name(), spec.get());
      }
    }

    if (problems.stream().anyMatch(Problem::isError)) {
      throw new PipelineValidationException(problems);
    }
    Map<String, List<Edge>> into = new HashMap<>();
    for (Edge e : pipeline.edges()) {
      into.computeIfAbsent(e.target().node(), k -> new ArrayList<>()).add(e);
    }
    List<PlannedNode> ordered = new ArrayList<>();
    for (String name : topologicalOrder(pipeline, nodes.keySet())) {
      Node n = nodes.get(name);
      Step step = steps.get(name);
      if (step == null) {
        continue; // deployments: kept, not run (the warning says so)
      }
      List<Edge> incoming = into.getOrDefault(name, List.of());
      Set<String> upstream = new LinkedHashSet<>();
      incoming.forEach(e -> upstream.add(e.source().node()));
      ordered.add(
          new PlannedNode(
              n,
              step,
              values.get(name),
              supplied.getOrDefault(name, Map.of()),
              incoming,
              upstream,
              Optional.ofNullable(tuning.get(name))));
    }
    return new Plan(project, pipeline, ordered, problems);
  }

  private static void setTargets(
      PipelineParameter pp, ParamValue v, Map<String, Map<String, ParamValue>> values) {
    for (EdgeEnd t : pp.targets()) {
      Map<String, ParamValue> m = values.get(t.node());
      if (m != null) {
        m.put(t.key(), v);
      }
    }
  }

  /** Kahn's algorithm, keeping the written order among nodes that are ready together. */
  static List<String> topologicalOrder(Pipeline pipeline, Set<String> names) {
    Map<String, Integer> indegree = new LinkedHashMap<>();
    Map<String, List<String>> out = new HashMap<>();
    names.forEach(n -> indegree.put(n, 0));
    for (Edge e : pipeline.edges()) {
      String s = e.source().node();
      String t = e.target().node();
      if (indegree.containsKey(s) && indegree.containsKey(t)) {
        out.computeIfAbsent(s, k -> new ArrayList<>()).add(t);
        indegree.merge(t, 1, Integer::sum);
      }
    }
    Deque<String> ready = new ArrayDeque<>();
    indegree.forEach((n, d) -> {
      if (d == 0) {
        ready.add(n);
      }
    });
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String n = ready.poll();
      order.add(n);
      for (String t : out.getOrDefault(n, List.of())) {
        if (indegree.merge(t, -1, Integer::sum) == 0) {
          ready.add(t);
        }
      }
    }
    return order;
  }

  private static Problem unknown(
      ModelPath where, String prefix, String name, Collection<String> known) {
    Problem p =
        Problem.error(
            "unknown-name",
            where,
            prefix + " \"" + name + "\" " + DidYouMean.known(known));
    return DidYouMean.hint(name, known).map(p::withHint).orElse(p);
  }
}
