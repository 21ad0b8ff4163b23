package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import dev.kiln.pipelines.tuning.TuningSpec;

/**
 * A task defined beside the steps (valohai.yaml's top-level {@code task}): a step and how to vary
 * its parameters (grid, random, Bayesian search...). The variation rules are kept as written in
 * {@code definition}; {@code tuning} is what they mean as Kiln's one tuning model, filled by
 * whoever read the blueprint (the valohai.yaml mapper, the Java DSL). A blueprint without {@code
 * tuning} cannot run: the planner refuses its task nodes saying why.
 */
public record TaskBlueprint(
    String name,
    Optional<String> step,
    Optional<String> type,
    Map<String, Object> definition,
    Optional<TuningSpec> tuning) {
  public TaskBlueprint {
    checkArgument(name != null && !name.isEmpty(), "a task needs a name");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(type, "type");
    definition = Extensions.copyOf(definition);
    Objects.requireNonNull(tuning, "tuning");
  }

  /** A blueprint kept as written, not (yet) understood as a search. */
  public TaskBlueprint(
      String name, Optional<String> step, Optional<String> type, Map<String, Object> definition) {
    this(name, step, type, definition, Optional.empty());
  }

  public TaskBlueprint withTuning(TuningSpec spec) {
    return new TaskBlueprint(name, step, type, definition, Optional.of(spec));
  }
}
