package dev.kiln.compat.valohai.dto;

import dev.kiln.compat.valohai.yaml.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code valohai.yaml} file as written, one record per kind of YAML object. Fields are null when
 * the key is absent, so that writing back reproduces what the user wrote. Keys this model does not
 * name are kept verbatim in {@code extra} (insertion order kept) so nothing is dropped. {@code
 * source} is the YAML node the record was read from (for locating messages), null when built in
 * code.
 */
public final class ValohaiDto {
  private ValohaiDto() {}

  static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
  }

  static Map<String, Object> copy(Map<String, Object> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** The whole file: a list of top-level items in file order. */
  public record Config(List<Item> items) {
    public Config {
      items = List.copyOf(items);
    }
  }

  /** One top-level {@code - step:}, {@code - pipeline:}, ... entry. */
  public sealed interface Item permits Step, Pipeline, Task, Endpoint, Deployment {
    /** The key that introduces this item in YAML. */
    String kind();

    String name();

    YamlNode source();
  }

  /** A command: one string, or a list of strings (kept apart because both are legal and distinct). */
  public record Command(List<String> lines, boolean isList) {
    public Command {
      lines = List.copyOf(lines);
    }

    public static Command of(String single) {
      return new Command(List.of(single), false);
    }
  }

  /** {@code - step:}. */
  public record Step(
      String name,
      String image,
      Command command,
      List<Parameter> parameters,
      List<Input> inputs,
      List<Output> outputs,
      List<Object> mounts,
      List<String> cacheVolumes,
      List<EnvironmentVariable> environmentVariables,
      List<String> environmentVariableGroups,
      String environment,
      Boolean autorestart,
      String runtimeConfigPreset,
      String description,
      Duration timeLimit,
      Duration noOutputTimeout,
      String icon,
      String category,
      String sourcePath,
      Map<String, Object> resources,
      String stopCondition,
      String uploadStore,
      Map<String, Object> extra,
      YamlNode source)
      implements Item {
    public Step {
      parameters = copy(parameters);
      inputs = copy(inputs);
      outputs = copy(outputs);
      mounts = copy(mounts);
      cacheVolumes = copy(cacheVolumes);
      environmentVariables = copy(environmentVariables);
      environmentVariableGroups = copy(environmentVariableGroups);
      resources = resources == null ? null : copy(resources);
      extra = copy(extra);
    }

    @Override
    public String kind() {
      return "step";
    }
  }

  /** A step parameter. {@code defaultValue} is a scalar or a list (for {@code multiple}). */
  public record Parameter(
      String name,
      String type,
      String description,
      Object defaultValue,
      Boolean optional,
      Number min,
      Number max,
      List<Object> choices,
      String passAs,
      String passTrueAs,
      String passFalseAs,
      String multiple,
      String multipleSeparator,
      String category,
      Object widget,
      Map<String, Object> extra,
      YamlNode source) {
    public Parameter {
      choices = choices == null ? null : copy(choices);
      extra = copy(extra);
    }
  }

  /**
   * A step input. {@code defaults} is empty when there is no default; {@code defaultIsList} tells a
   * one-element list from a plain string. {@code keepDirectories} is a Boolean or a String.
   */
  public record Input(
      String name,
      List<String> defaults,
      boolean defaultIsList,
      Boolean optional,
      String description,
      String filename,
      Object keepDirectories,
      String download,
      Map<String, Object> extra,
      YamlNode source) {
    public Input {
      defaults = copy(defaults);
      extra = copy(extra);
    }
  }

  /** A step output: a Kiln extension ({@code name}, a {@code path} glob, an artifact {@code type}). */
  public record Output(
      String name, String path, String type, Map<String, Object> extra, YamlNode source) {
    public Output {
      extra = copy(extra);
    }
  }

  /** A step environment variable. */
  public record EnvironmentVariable(
      String name,
      String defaultValue,
      Boolean optional,
      String description,
      Map<String, Object> extra,
      YamlNode source) {
    public EnvironmentVariable {
      extra = copy(extra);
    }
  }

  /** {@code - pipeline:}. */
  public record Pipeline(
      String name,
      List<Node> nodes,
      List<Edge> edges,
      List<PipelineParameter> parameters,
      Boolean reuseExecutions,
      Map<String, Object> extra,
      YamlNode source)
      implements Item {
    public Pipeline {
      nodes = copy(nodes);
      edges = copy(edges);
      parameters = copy(parameters);
      extra = copy(extra);
    }

    @Override
    public String kind() {
      return "pipeline";
    }
  }

  /** A pipeline node of any type; which fields apply depends on {@code type}. */
  public record Node(
      String name,
      String type,
      String step,
      String task,
      String deployment,
      NodeOverride override,
      String onError,
      String edgeMergeMode,
      List<Action> actions,
      List<String> aliases,
      List<String> endpoints,
      String commit,
      Map<String, Object> extra,
      YamlNode source) {
    public Node {
      actions = copy(actions);
      aliases = aliases == null ? null : copy(aliases);
      endpoints = endpoints == null ? null : copy(endpoints);
      extra = copy(extra);
    }
  }

  /** The step fields a node overrides; merged into the step as the reference parser does. */
  public record NodeOverride(
      String image,
      Command command,
      List<Parameter> parameters,
      List<Input> inputs,
      List<Object> mounts,
      List<EnvironmentVariable> environmentVariables,
      String environment,
      Boolean autorestart,
      String runtimeConfigPreset,
      Map<String, Object> extra,
      YamlNode source) {
    public NodeOverride {
      parameters = copy(parameters);
      inputs = copy(inputs);
      mounts = copy(mounts);
      environmentVariables = copy(environmentVariables);
      extra = copy(extra);
    }
  }

  /** A node action: when something happens, if conditions hold, then do things. */
  public record Action(
      List<String> when, List<String> conditions, List<String> then, YamlNode source) {
    public Action {
      when = copy(when);
      conditions = copy(conditions);
      then = copy(then);
    }
  }

  /**
   * An edge, in either form: {@code [src, tgt]} ({@code shorthand}) or {@code {source, target,
   * configuration}}.
   */
  public record Edge(
      String source,
      String target,
      Map<String, Object> configuration,
      boolean shorthand,
      YamlNode node) {
    public Edge {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
      configuration = copy(configuration);
    }
  }

  /** A pipeline parameter and the node parameters it sets. */
  public record PipelineParameter(
      String name,
      List<String> targets,
      Object defaultValue,
      String description,
      String category,
      Map<String, Object> extra,
      YamlNode source) {
    public PipelineParameter {
      targets = copy(targets);
      extra = copy(extra);
    }
  }

  /** {@code - task:} (a task blueprint: a parameter sweep over a step). */
  public record Task(
      String name,
      String step,
      String type,
      String description,
      List<VariantParameter> parameters,
      List<Map<String, Object>> parameterSets,
      Long executionCount,
      Long executionBatchSize,
      Long maximumQueuedExecutions,
      String optimizationTargetMetric,
      Double optimizationTargetValue,
      String engine,
      String onChildError,
      String stopCondition,
      Boolean reuseChildren,
      Map<String, Object> extra,
      YamlNode source)
      implements Item {
    public Task {
      parameters = copy(parameters);
      parameterSets = copy(parameterSets);
      extra = copy(extra);
    }

    @Override
    public String kind() {
      return "task";
    }
  }

  /** A task's variant parameter: a name, a style and its rules. */
  public record VariantParameter(
      String name, String style, Map<String, Object> rules, YamlNode source) {
    public VariantParameter {
      rules = copy(rules);
    }
  }

  /** {@code - endpoint:} (parsed and kept; Kiln does not serve endpoints yet). */
  public record Endpoint(
      String name,
      String image,
      Command serverCommand,
      Long port,
      String wsgi,
      String description,
      List<Map<String, Object>> files,
      Map<String, Object> extra,
      YamlNode source)
      implements Item {
    public Endpoint {
      files = copy(files);
      extra = copy(extra);
    }

    @Override
    public String kind() {
      return "endpoint";
    }
  }

  /** {@code - deployment:} (parsed and kept; Kiln does not deploy yet). */
  public record Deployment(String name, Map<String, Object> extra, YamlNode source)
      implements Item {
    public Deployment {
      extra = copy(extra);
    }

    @Override
    public String kind() {
      return "deployment";
    }
  }
}
