package dev.kiln.lineage.model;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One parameter value an execution ran with. {@code valueJson} is JSON (a string, number, boolean,
 * or a list for a "multiple" parameter); {@code type} is the declared kind as the step spells it
 * (string, integer, float, flag), kept as text so the store does not depend on the pipeline model's
 * enum.
 */
public record ParameterValue(String name, @JsonRawValue String valueJson, String type) {
  public ParameterValue {
    Checks.nonBlank(name, "parameter name");
    Checks.nonBlank(type, "type of parameter \"" + name + "\"");
    JsonSupport.parse(valueJson == null ? "" : valueJson, "value of parameter \"" + name + "\"");
  }

  /** From a plain Java value (String, Number, Boolean, List). */
  public static ParameterValue of(String name, Object value, String type) {
    return new ParameterValue(name, JsonSupport.write(value), type);
  }
}
