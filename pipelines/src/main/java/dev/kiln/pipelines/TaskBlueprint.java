package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A task defined beside the steps (valohai.yaml's top-level {@code task}): a step and how to vary
 * its parameters (grid, random, Bayesian search...). The variation rules are kept as written in
 * {@code definition}; Kiln's sweep runner interprets them.
 */
public record TaskBlueprint(
    String name, Optional<String> step, Optional<String> type, Map<String, Object> definition) {
  public TaskBlueprint {
    checkArgument(name != null && !name.isEmpty(), "a task needs a name");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(type, "type");
    definition = Extensions.copyOf(definition);
  }
}
