package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node of a pipeline: one execution of a step, a task (several executions of a step, as in a
 * parameter sweep), or a deployment. Nodes are named; edges refer to them by name.
 */
public sealed interface Node {

  String name();

  OnError onError();

  EdgeMergeMode edgeMergeMode();

  List<NodeAction> actions();

  /** Other valohai.yaml keys of the node ({@code commit}, ...), kept verbatim. */
  Map<String, Object> extensions();

  /** The valohai.yaml {@code type} of this node. */
  String typeName();

  /** The step this node runs, if it runs one directly. */
  Optional<String> stepName();

  /** A single execution of a step. */
  record Execution(
      String name,
      String step,
      StepOverride override,
      OnError onError,
      EdgeMergeMode edgeMergeMode,
      List<NodeAction> actions,
      Map<String, Object> extensions)
      implements Node {

    public Execution {
      checkName(name);
      checkArgument(step != null && !step.isEmpty(), "node %s needs a step", name);
      Objects.requireNonNull(override, "override");
      Objects.requireNonNull(onError, "onError");
      Objects.requireNonNull(edgeMergeMode, "edgeMergeMode");
      actions = List.copyOf(actions);
      extensions = Extensions.copyOf(extensions);
    }

    public static Execution of(String name, String step) {
      return new Execution(
          name, step, StepOverride.NONE, OnError.STOP_ALL, EdgeMergeMode.REPLACE, List.of(),
          Map.of());
    }

    @Override
    public String typeName() {
      return "execution";
    }

    @Override
    public Optional<String> stepName() {
      return Optional.of(step);
    }
  }

  /**
   * A task: several executions of a step with varied parameters. {@code step} is the step run;
   * {@code task} names a task blueprint defined beside the pipelines, when one is used.
   */
  record Task(
      String name,
      Optional<String> step,
      Optional<String> task,
      StepOverride override,
      OnError onError,
      EdgeMergeMode edgeMergeMode,
      List<NodeAction> actions,
      Map<String, Object> extensions)
      implements Node {

    public Task {
      checkName(name);
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(override, "override");
      Objects.requireNonNull(onError, "onError");
      Objects.requireNonNull(edgeMergeMode, "edgeMergeMode");
      actions = List.copyOf(actions);
      extensions = Extensions.copyOf(extensions);
    }

    @Override
    public String typeName() {
      return "task";
    }

    @Override
    public Optional<String> stepName() {
      return step;
    }
  }

  /** A deployment of endpoints: parsed and kept; Kiln does not serve endpoints yet. */
  record Deployment(
      String name,
      String deployment,
      List<String> endpoints,
      List<String> aliases,
      OnError onError,
      EdgeMergeMode edgeMergeMode,
      List<NodeAction> actions,
      Map<String, Object> extensions)
      implements Node {

    public Deployment {
      checkName(name);
      Objects.requireNonNull(deployment, "deployment");
      endpoints = List.copyOf(endpoints);
      aliases = List.copyOf(aliases);
      Objects.requireNonNull(onError, "onError");
      Objects.requireNonNull(edgeMergeMode, "edgeMergeMode");
      actions = List.copyOf(actions);
      extensions = Extensions.copyOf(extensions);
    }

    @Override
    public String typeName() {
      return "deployment";
    }

    @Override
    public Optional<String> stepName() {
      return Optional.empty();
    }
  }

  private static void checkName(String name) {
    checkArgument(name != null && !name.isEmpty(), "a node needs a name");
  }
}
