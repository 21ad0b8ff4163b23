package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A unit of work with declared parameters, inputs and outputs: valohai.yaml's {@code step}, or a
 * built-in Java step. Lists keep the order they were declared in; name checks (duplicates, unknown
 * references) are the validator's job so that they are reported together.
 *
 * @param image the container image named by valohai.yaml; Kiln records it but runs on the host
 * @param extensions other valohai.yaml keys of the step, kept verbatim
 */
public record Step(
    String name,
    StepRun run,
    List<ParameterSpec> parameters,
    List<InputSpec> inputs,
    List<OutputSpec> outputs,
    Resources resources,
    Optional<String> image,
    Optional<String> environment,
    Map<String, String> environmentVariables,
    Optional<Duration> timeLimit,
    Optional<Duration> noOutputTimeout,
    Optional<String> description,
    Map<String, Object> extensions) {

  public Step {
    checkArgument(name != null && !name.isEmpty(), "a step needs a name");
    Objects.requireNonNull(run, "run");
    parameters = List.copyOf(parameters);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(environment, "environment");
    environmentVariables = copyOrdered(environmentVariables);
    Objects.requireNonNull(timeLimit, "timeLimit");
    Objects.requireNonNull(noOutputTimeout, "noOutputTimeout");
    Objects.requireNonNull(description, "description");
    extensions = Extensions.copyOf(extensions);
  }

  private static Map<String, String> copyOrdered(Map<String, String> map) {
    return map.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  public Optional<ParameterSpec> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }

  public Optional<InputSpec> input(String inputName) {
    return inputs.stream().filter(i -> i.name().equals(inputName)).findFirst();
  }

  /** The declared output whose name or path is {@code key} (an edge's source key). */
  public Optional<OutputSpec> output(String key) {
    return outputs.stream()
        .filter(o -> o.path().equals(key) || o.name().equals(key))
        .findFirst();
  }

  /** A step that runs shell command lines, as in valohai.yaml. */
  public static Builder command(String name, String... lines) {
    return new Builder(name, new StepRun.Command(List.of(lines)));
  }

  public static Builder builder(String name, StepRun run) {
    return new Builder(name, run);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name, run);
    b.parameters = new ArrayList<>(parameters);
    b.inputs = new ArrayList<>(inputs);
    b.outputs = new ArrayList<>(outputs);
    b.resources = resources;
    b.image = image;
    b.environment = environment;
    b.environmentVariables = new LinkedHashMap<>(environmentVariables);
    b.timeLimit = timeLimit;
    b.noOutputTimeout = noOutputTimeout;
    b.description = description;
    b.extensions = extensions;
    return b;
  }

  /** Builder; {@code name} and {@code run} are required. */
  public static final class Builder {
    private final String name;
    private StepRun run;
    private List<ParameterSpec> parameters = new ArrayList<>();
    private List<InputSpec> inputs = new ArrayList<>();
    private List<OutputSpec> outputs = new ArrayList<>();
    private Resources resources = Resources.DEFAULT;
    private Optional<String> image = Optional.empty();
    private Optional<String> environment = Optional.empty();
    private Map<String, String> environmentVariables = new LinkedHashMap<>();
    private Optional<Duration> timeLimit = Optional.empty();
    private Optional<Duration> noOutputTimeout = Optional.empty();
    private Optional<String> description = Optional.empty();
    private Map<String, Object> extensions = Map.of();

    private Builder(String name, StepRun run) {
      this.name = name;
      this.run = Objects.requireNonNull(run, "run");
    }

    public Builder setRun(StepRun v) {
      run = Objects.requireNonNull(v);
      return this;
    }

    public Builder addParameter(ParameterSpec p) {
      parameters.add(Objects.requireNonNull(p));
      return this;
    }

    public Builder optParameters(List<ParameterSpec> v) {
      parameters = new ArrayList<>(v);
      return this;
    }

    public Builder addInput(InputSpec i) {
      inputs.add(Objects.requireNonNull(i));
      return this;
    }

    /** Adds a typed input declared with the DSL. */
    public Builder addInput(InputPort<?> port) {
      return addInput(port.spec());
    }

    public Builder optInputs(List<InputSpec> v) {
      inputs = new ArrayList<>(v);
      return this;
    }

    public Builder addOutput(OutputSpec o) {
      outputs.add(Objects.requireNonNull(o));
      return this;
    }

    /** Adds a typed output declared with the DSL. */
    public Builder addOutput(OutputPort<?> port) {
      return addOutput(port.spec());
    }

    public Builder optOutputs(List<OutputSpec> v) {
      outputs = new ArrayList<>(v);
      return this;
    }

    public Builder optResources(Resources v) {
      resources = Objects.requireNonNull(v);
      return this;
    }

    public Builder optImage(String v) {
      image = Optional.ofNullable(v);
      return this;
    }

    public Builder optEnvironment(String v) {
      environment = Optional.ofNullable(v);
      return this;
    }

    public Builder optEnvironmentVariables(Map<String, String> v) {
      environmentVariables = new LinkedHashMap<>(v);
      return this;
    }

    public Builder optTimeLimit(Duration v) {
      timeLimit = Optional.ofNullable(v);
      return this;
    }

    public Builder optNoOutputTimeout(Duration v) {
      noOutputTimeout = Optional.ofNullable(v);
      return this;
    }

    public Builder optDescription(String v) {
      description = Optional.ofNullable(v);
      return this;
    }

    public Builder optExtensions(Map<String, Object> v) {
      extensions = v;
      return this;
    }

    public Step build() {
      return new Step(
          name,
          run,
          parameters,
          inputs,
          outputs,
          resources,
          image,
          environment,
          environmentVariables,
          timeLimit,
          noOutputTimeout,
          description,
          extensions);
    }
  }
}
