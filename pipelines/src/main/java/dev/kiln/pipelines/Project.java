package dev.kiln.pipelines;

import dev.kiln.pipelines.tuning.TuningSpec;
import java.util.List;
import java.util.Optional;

/**
 * Everything one definition file holds: steps, pipelines, task blueprints and endpoints, in the
 * order written. A {@code valohai.yaml} reads into one project; the Java DSL builds one too.
 */
public record Project(
    List<Step> steps, List<Pipeline> pipelines, List<TaskBlueprint> tasks, List<Endpoint> endpoints) {

  public Project {
    steps = List.copyOf(steps);
    pipelines = List.copyOf(pipelines);
    tasks = List.copyOf(tasks);
    endpoints = List.copyOf(endpoints);
  }

  public static Project of(List<Step> steps, List<Pipeline> pipelines) {
    return new Project(steps, pipelines, List.of(), List.of());
  }

  /** The step of that name; where a file defines it twice, the last one, as Valohai does. */
  public Optional<Step> step(String name) {
    Step found = null;
    for (Step s : steps) {
      if (s.name().equals(name)) {
        found = s;
      }
    }
    return Optional.ofNullable(found);
  }

  public Optional<Pipeline> pipeline(String name) {
    return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public Optional<TaskBlueprint> task(String name) {
    return tasks.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /**
   * What a task node searches: the tuning spec of the blueprint it names. Empty when it names none
   * or the blueprint was not understood as a search; the planner refuses such a node.
   */
  public Optional<TuningSpec> tuning(Node.Task node) {
    return node.task().flatMap(this::task).flatMap(TaskBlueprint::tuning);
  }

  /** The step a node runs, with the node's override merged in. */
  public Optional<Step> effectiveStep(Node node) {
    if (node instanceof Node.Execution e) {
      return step(e.step()).map(e.override()::applyTo);
    }
    if (node instanceof Node.Task t) {
      Optional<String> stepName =
          t.step().or(() -> t.task().flatMap(this::task).flatMap(TaskBlueprint::step));
      return stepName.flatMap(this::step).map(t.override()::applyTo);
    }
    return Optional.empty();
  }
}
