package dev.kiln.pipelines.spi;

import dev.kiln.pipelines.ParamValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running Java step sees: the Valohai execution contract as an API. Parameter accessors
 * convert and fail with a message naming the parameter, so steps need no parsing code of their own.
 */
public interface StepContext {

  /** The execution's id, as in {@code VH_EXECUTION_ID}. */
  String executionId();

  /** The resolved value of a parameter, or empty when it has none (an optional parameter). */
  Optional<ParamValue> parameter(String name);

  default String stringParameter(String name) {
    return parameter(name).map(ParamValue::render).orElseThrow(() -> missing(name));
  }

  default long longParameter(String name) {
    ParamValue v = parameter(name).orElseThrow(() -> missing(name));
    if (v instanceof ParamValue.IntValue i) {
      return i.value();
    }
    try {
      return Long.parseLong(v.render().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "parameter \"" + name + "\" is \"" + v.render() + "\", not an integer", e);
    }
  }

  default int intParameter(String name) {
    return Math.toIntExact(longParameter(name));
  }

  default double doubleParameter(String name) {
    ParamValue v = parameter(name).orElseThrow(() -> missing(name));
    if (v instanceof ParamValue.IntValue i) {
      return i.value();
    }
    if (v instanceof ParamValue.FloatValue f) {
      return f.value();
    }
    try {
      return Double.parseDouble(v.render().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "parameter \"" + name + "\" is \"" + v.render() + "\", not a number", e);
    }
  }

  default boolean flagParameter(String name) {
    ParamValue v = parameter(name).orElseThrow(() -> missing(name));
    if (v instanceof ParamValue.FlagValue f) {
      return f.value();
    }
    String s = v.render().trim();
    if (s.equalsIgnoreCase("true") || s.equals("1")) {
      return true;
    }
    if (s.equalsIgnoreCase("false") || s.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException(
        "parameter \"" + name + "\" is \"" + s + "\", not a flag (true or false)");
  }

  /** The files of an input, in {@code inputs/<name>/}. Empty for an optional input left empty. */
  List<Path> inputFiles(String inputName);

  /** The folder of an input ({@code inputs/<name>/}). */
  Path inputDir(String inputName);

  /** Where the step writes what it produces; everything here is kept, even on failure. */
  Path outputDir();

  /** Records a metadata entry (a line of JSON metrics); it is stamped with {@code _time}. */
  void logMetrics(Map<String, ?> values);

  /** A log line, stored with the execution and shown with the node's name. */
  void log(String line);

  /**
   * Options the executor hands to the engine a step uses, by key: {@code beam.args} holds Beam
   * pipeline arguments ({@code --runner=FlinkRunner --flinkMaster=localhost:8081}), {@code
   * djl.device} the device a DJL step should use. Engine-neutral strings, so this module stays free
   * of engine types.
   */
  default Map<String, String> engineOptions() {
    return Map.of();
  }

  /** Records the device the step computes on ({@code cpu}, {@code cuda:0}), for the lineage. */
  default void reportDevice(String device) {
    log("device: " + device);
  }

  /** Reports progress of long work: {@code done} of {@code total} units ({@code total} 0 if unknown). */
  default void progress(String what, long done, long total) {
    log(total > 0 ? what + ": " + done + "/" + total : what + ": " + done);
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException("parameter \"" + name + "\" has no value");
  }
}
