package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A step parameter as valohai.yaml declares it. Checks of values against this spec live in the
 * validator, so that every problem of a file is reported at once.
 *
 * @param passAs how the parameter is passed, e.g. {@code --lr={v}}; empty means the default
 *     {@code --NAME={v}}
 * @param extensions other keys of the parameter, kept verbatim so that nothing is dropped
 */
public record ParameterSpec(
    String name,
    ParameterType type,
    Optional<String> description,
    Optional<ParamValue> defaultValue,
    boolean optional,
    Optional<Double> min,
    Optional<Double> max,
    List<ParamValue> choices,
    Optional<String> passAs,
    Optional<String> passTrueAs,
    Optional<String> passFalseAs,
    MultipleMode multiple,
    Optional<String> multipleSeparator,
    Map<String, Object> extensions) {

  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    choices = List.copyOf(choices);
    Objects.requireNonNull(passAs, "passAs");
    Objects.requireNonNull(passTrueAs, "passTrueAs");
    Objects.requireNonNull(passFalseAs, "passFalseAs");
    Objects.requireNonNull(multiple, "multiple");
    Objects.requireNonNull(multipleSeparator, "multipleSeparator");
    extensions = Extensions.copyOf(extensions);
  }

  /** The separator used with {@link MultipleMode#SEPARATE}; a comma unless given, as in Valohai. */
  public String separator() {
    return multipleSeparator.orElse(",");
  }

  public static Builder builder(String name, ParameterType type) {
    return new Builder(name, type);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name, type);
    b.description = description;
    b.defaultValue = defaultValue;
    b.optional = optional;
    b.min = min;
    b.max = max;
    b.choices = new ArrayList<>(choices);
    b.passAs = passAs;
    b.passTrueAs = passTrueAs;
    b.passFalseAs = passFalseAs;
    b.multiple = multiple;
    b.multipleSeparator = multipleSeparator;
    b.extensions = extensions;
    return b;
  }

  /** Builder; {@code name} and {@code type} are required, everything else optional. */
  public static final class Builder {
    private final String name;
    private final ParameterType type;
    private Optional<String> description = Optional.empty();
    private Optional<ParamValue> defaultValue = Optional.empty();
    private boolean optional;
    private Optional<Double> min = Optional.empty();
    private Optional<Double> max = Optional.empty();
    private List<ParamValue> choices = new ArrayList<>();
    private Optional<String> passAs = Optional.empty();
    private Optional<String> passTrueAs = Optional.empty();
    private Optional<String> passFalseAs = Optional.empty();
    private MultipleMode multiple = MultipleMode.NONE;
    private Optional<String> multipleSeparator = Optional.empty();
    private Map<String, Object> extensions = Map.of();

    private Builder(String name, ParameterType type) {
      checkArgument(name != null && !name.isEmpty(), "a parameter needs a name");
      this.name = name;
      this.type = Objects.requireNonNull(type, "type");
    }

    public Builder optDescription(String v) {
      description = Optional.ofNullable(v);
      return this;
    }

    public Builder optDefault(ParamValue v) {
      defaultValue = Optional.ofNullable(v);
      return this;
    }

    public Builder optDefault(String v) {
      return optDefault(ParamValue.of(v));
    }

    public Builder optDefault(long v) {
      return optDefault(ParamValue.of(v));
    }

    public Builder optDefault(double v) {
      return optDefault(ParamValue.of(v));
    }

    public Builder optDefault(boolean v) {
      return optDefault(ParamValue.of(v));
    }

    public Builder optOptional(boolean v) {
      optional = v;
      return this;
    }

    public Builder optMin(Double v) {
      min = Optional.ofNullable(v);
      return this;
    }

    public Builder optMax(Double v) {
      max = Optional.ofNullable(v);
      return this;
    }

    public Builder optChoices(List<ParamValue> v) {
      choices = new ArrayList<>(v);
      return this;
    }

    public Builder optPassAs(String v) {
      passAs = Optional.ofNullable(v);
      return this;
    }

    public Builder optPassTrueAs(String v) {
      passTrueAs = Optional.ofNullable(v);
      return this;
    }

    public Builder optPassFalseAs(String v) {
      passFalseAs = Optional.ofNullable(v);
      return this;
    }

    public Builder optMultiple(MultipleMode v) {
      multiple = Objects.requireNonNull(v);
      return this;
    }

    public Builder optMultipleSeparator(String v) {
      multipleSeparator = Optional.ofNullable(v);
      return this;
    }

    public Builder optExtensions(Map<String, Object> v) {
      extensions = v;
      return this;
    }

    public ParameterSpec build() {
      return new ParameterSpec(
          name,
          type,
          description,
          defaultValue,
          optional,
          min,
          max,
          choices,
          passAs,
          passTrueAs,
          passFalseAs,
          multiple,
          multipleSeparator,
          extensions);
    }
  }
}
