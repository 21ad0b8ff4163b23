package dev.kiln.pipelines.dsl;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.TaskBlueprint;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.ModelPath;
import dev.kiln.pipelines.validation.PipelineValidationException;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.pipelines.validation.Validator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a pipeline in code. Nodes are added with {@link #execution} and {@link #task}, wired
 * through their handles, and the whole is validated by {@link #build()} or {@link #project()},
 * which throw one {@link dev.kiln.pipelines.validation.PipelineValidationException} listing every
 * problem.
 */
public final class PipelineBuilder {
  private final String name;
  private final List<NodeHandle> nodes = new ArrayList<>();
  private final List<Edge> edges = new ArrayList<>();
  private final List<PipelineParameter> parameters = new ArrayList<>();
  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final List<Step> conflictingSteps = new ArrayList<>();
  private boolean reuseExecutions;

  /** Starts a pipeline in the Java DSL: {@code var p = PipelineBuilder.named("train-superbai");}. */
  public static PipelineBuilder named(String name) {
    return new PipelineBuilder(name);
  }

  public PipelineBuilder(String name) {
    checkArgument(name != null && !name.isEmpty(), "a pipeline needs a name");
    this.name = name;
  }

  /** Adds a node that runs {@code step} once. */
  public NodeHandle execution(String nodeName, Step step) {
    return add(new NodeHandle(this, nodeName, step, false));
  }

  /**
   * Adds a task node: several executions of {@code step} (a sweep). What it searches is given with
   * {@link NodeHandle#tune()}; a task node that is not tuned cannot run.
   */
  public NodeHandle task(String nodeName, Step step) {
    return add(new NodeHandle(this, nodeName, step, true));
  }

  /**
   * Tunes a node of this pipeline: {@code p.tune(train).logUniform("initial_learning_rate", 1e-3,
   * 1e-1).maximize("val_ap").maxTrials(6)}. The same as {@link NodeHandle#tune()}.
   */
  public TuneHandle tune(NodeHandle node) {
    checkArgument(node.owner == this, "node %s belongs to another pipeline", node.name());
    return node.tune();
  }

  /** Lets nodes reuse earlier executions whose cache key matches. */
  public PipelineBuilder reuseExecutions(boolean reuse) {
    this.reuseExecutions = reuse;
    return this;
  }

  /** Adds a pipeline parameter that sets the given node parameters. */
  public PipelineBuilder parameter(
      String parameterName, ParamValue defaultValue, NodeHandle.ParameterRef... targets) {
    List<EdgeEnd> ends = new ArrayList<>();
    for (NodeHandle.ParameterRef t : targets) {
      checkArgument(t.node().owner == this, "target %s belongs to another pipeline", t);
      ends.add(t.end());
    }
    parameters.add(
        new PipelineParameter(
            parameterName, ends, Optional.ofNullable(defaultValue), Optional.empty(), Map.of()));
    return this;
  }

  private NodeHandle add(NodeHandle handle) {
    nodes.add(handle);
    Step known = steps.putIfAbsent(handle.step().name(), handle.step());
    if (known != null && !known.equals(handle.step())) {
      conflictingSteps.add(handle.step());
    }
    return handle;
  }

  void addEdge(EdgeEnd source, EdgeEnd target) {
    edges.add(Edge.of(source, target));
  }

  /**
   * The pipeline, validated together with the steps its nodes use. A tuned node's search space is
   * a task blueprint beside the pipeline: use {@link #project()} to keep it.
   */
  public Pipeline build() {
    return project().pipelines().get(0);
  }

  /**
   * The pipeline and its steps as a project, validated; each tuned node adds a task blueprint of
   * the node's name that carries its {@link TuningSpec}.
   */
  public Project project() {
    Assembled a = assemble();
    if (a.problems().stream().anyMatch(Problem::isError)) {
      throw new PipelineValidationException(a.problems());
    }
    return a.project();
  }

  /**
   * Every problem of the pipeline as it stands, warnings included (a grid that maxTrials cuts
   * short, ...), without throwing. {@link #build()} and {@link #project()} throw when one is an
   * error.
   */
  public List<Problem> problems() {
    return List.copyOf(assemble().problems());
  }

  private record Assembled(Project project, List<Problem> problems) {}

  private Assembled assemble() {
    checkState(!nodes.isEmpty(), "pipeline %s has no nodes", name);
    List<Step> allSteps = new ArrayList<>(steps.values());
    allSteps.addAll(conflictingSteps);
    Pipeline pipeline =
        new Pipeline(
            name,
            nodes.stream().map(NodeHandle::toNode).toList(),
            edges,
            parameters,
            reuseExecutions,
            Map.of());
    List<Problem> tuningProblems = new ArrayList<>();
    List<TaskBlueprint> blueprints = new ArrayList<>();
    ModelPath path = ModelPath.pipeline(name);
    for (int i = 0; i < nodes.size(); i++) {
      NodeHandle n = nodes.get(i);
      if (n.tuning().isEmpty()) {
        continue;
      }
      Optional<TuningSpec> spec =
          n.tuning().get().check(n.step(), path.field("nodes").index(i), tuningProblems);
      TaskBlueprint blueprint =
          new TaskBlueprint(
              n.name(),
              Optional.of(n.step().name()),
              spec.map(s -> s.algorithm().name().toLowerCase(Locale.ROOT)),
              Map.of());
      blueprints.add(spec.map(blueprint::withTuning).orElse(blueprint));
    }
    Project project = new Project(allSteps, List.of(pipeline), blueprints, List.of());
    List<Problem> problems = new ArrayList<>(Validator.validate(project));
    problems.addAll(tuningProblems);
    for (Step conflict : conflictingSteps) {
      problems.add(
          Problem.error(
                  "conflicting-step",
                  ModelPath.step(conflict.name()).occurrence(2),
                  "two different step definitions share the name \""
                      + conflict.name()
                      + "\" (nodes "
                      + nodes.stream()
                          .filter(n -> n.step().name().equals(conflict.name()))
                          .map(NodeHandle::name)
                          .toList()
                      + ")")
              .withHint("give each definition its own name"));
    }
    return new Assembled(project, problems);
  }

  static EdgeEnd end(NodeHandle node, PortKind kind, String key) {
    return new EdgeEnd(node.name(), kind, key);
  }
}
