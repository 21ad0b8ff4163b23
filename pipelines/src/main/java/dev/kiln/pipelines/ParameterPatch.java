package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's change to one parameter of its step (valohai.yaml {@code override.parameters[]}): only
 * the fields that are present replace the step's.
 */
public record ParameterPatch(
    String name,
    Optional<ParamValue> defaultValue,
    Optional<Boolean> optional,
    Optional<String> description,
    Optional<Double> min,
    Optional<Double> max,
    Optional<List<ParamValue>> choices,
    Optional<String> passAs,
    Optional<MultipleMode> multiple,
    Map<String, Object> extensions) {

  public ParameterPatch {
    checkArgument(name != null && !name.isEmpty(), "a parameter override needs a name");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(optional, "optional");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    choices = Objects.requireNonNull(choices, "choices").map(List::copyOf);
    Objects.requireNonNull(passAs, "passAs");
    Objects.requireNonNull(multiple, "multiple");
    extensions = Extensions.copyOf(extensions);
  }

  /** A patch that only sets the default value. */
  public static ParameterPatch defaultValue(String name, ParamValue value) {
    return new ParameterPatch(
        name,
        Optional.of(value),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Map.of());
  }

  public ParameterSpec applyTo(ParameterSpec spec) {
    ParameterSpec.Builder b = spec.toBuilder();
    defaultValue.ifPresent(b::optDefault);
    optional.ifPresent(b::optOptional);
    description.ifPresent(b::optDescription);
    min.ifPresent(b::optMin);
    max.ifPresent(b::optMax);
    choices.ifPresent(b::optChoices);
    passAs.ifPresent(b::optPassAs);
    multiple.ifPresent(b::optMultiple);
    if (!extensions.isEmpty()) {
      b.optExtensions(Patches.merge(spec.extensions(), extensions));
    }
    return b.build();
  }
}
