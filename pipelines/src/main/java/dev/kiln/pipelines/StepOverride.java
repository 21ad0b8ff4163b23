package dev.kiln.pipelines;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's changes to its step (valohai.yaml's node {@code override}), merged into the step the way
 * Valohai does: present fields replace the step's, inputs and parameters are patched by name,
 * environment variables are added to the step's.
 */
public record StepOverride(
    Optional<String> image,
    Optional<List<String>> command,
    Optional<String> environment,
    Map<String, String> environmentVariables,
    List<InputPatch> inputs,
    List<ParameterPatch> parameters,
    Map<String, Object> extensions) {

  public static final StepOverride NONE =
      new StepOverride(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Map.of(),
          List.of(),
          List.of(),
          Map.of());

  public StepOverride {
    Objects.requireNonNull(image, "image");
    command = Objects.requireNonNull(command, "command").map(List::copyOf);
    Objects.requireNonNull(environment, "environment");
    environmentVariables =
        environmentVariables.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(environmentVariables));
    inputs = List.copyOf(inputs);
    parameters = List.copyOf(parameters);
    extensions = Extensions.copyOf(extensions);
  }

  public boolean isEmpty() {
    return equals(NONE);
  }

  /**
   * The step as this node runs it. Patches naming inputs or parameters the step lacks are left
   * out here; the validator reports them.
   */
  public Step applyTo(Step step) {
    if (isEmpty()) {
      return step;
    }
    Step.Builder b = step.toBuilder();
    image.ifPresent(b::optImage);
    command.ifPresent(lines -> b.setRun(new StepRun.Command(lines)));
    environment.ifPresent(b::optEnvironment);
    if (!environmentVariables.isEmpty()) {
      Map<String, String> env = new LinkedHashMap<>(step.environmentVariables());
      env.putAll(environmentVariables);
      b.optEnvironmentVariables(env);
    }
    List<InputSpec> newInputs = new ArrayList<>();
    for (InputSpec in : step.inputs()) {
      InputSpec patched = in;
      for (InputPatch p : inputs) {
        if (p.name().equals(in.name())) {
          patched = p.applyTo(patched);
        }
      }
      newInputs.add(patched);
    }
    b.optInputs(newInputs);
    List<ParameterSpec> newParams = new ArrayList<>();
    for (ParameterSpec ps : step.parameters()) {
      ParameterSpec patched = ps;
      for (ParameterPatch p : parameters) {
        if (p.name().equals(ps.name())) {
          patched = p.applyTo(patched);
        }
      }
      newParams.add(patched);
    }
    b.optParameters(newParams);
    if (!extensions.isEmpty()) {
      b.optExtensions(Patches.merge(step.extensions(), extensions));
    }
    return b.build();
  }
}
