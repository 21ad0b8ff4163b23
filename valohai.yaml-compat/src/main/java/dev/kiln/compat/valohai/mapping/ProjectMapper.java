package dev.kiln.compat.valohai.mapping;

import dev.kiln.compat.valohai.dto.ConfigLinter;
import dev.kiln.compat.valohai.dto.ValohaiDto;
import dev.kiln.compat.valohai.yaml.YamlNode;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlMap;
import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.Endpoint;
import dev.kiln.pipelines.InputPatch;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.KeepDirectories;
import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.NodeAction;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.OutputSpec;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterPatch;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.TaskBlueprint;
import dev.kiln.pipelines.types.ArtifactType;
import dev.kiln.pipelines.validation.ModelPath;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the records of a file that passed the YAML-level checks into a domain {@link Project},
 * recording where each model path was written.
 *
 * <p>What the domain has no field for is kept in the {@code extensions} maps under its
 * valohai.yaml key (mounts, cache-volumes, icon, category, widget...), so writing the project back
 * loses nothing. Two things the domain cannot hold yet are kept under reserved keys: edges whose
 * kind is not a {@link PortKind} (dependency, deployment, environment-variable) in the pipeline's
 * {@value #UNMAPPED_EDGES}, and top-level {@code deployment} items, which the caller gets from
 * {@link Mapped#deployments()}.
 */
public final class ProjectMapper {
  /** Pipeline extension key holding edges the domain has no kind for, with their list index. */
  public static final String UNMAPPED_EDGES = "kiln:unmapped-edges";

  /** Step extension key holding the full environment variable records when they carry more than a default. */
  public static final String ENV_DETAILS = "environment-variables";

  /** What mapping produced. */
  public record Mapped(
      Project project, LocationIndex index, List<ValohaiDto.Deployment> deployments) {
    public Mapped {
      deployments = List.copyOf(deployments);
    }
  }

  private final LocationIndex index = new LocationIndex();

  private ProjectMapper() {}

  /** Maps {@code config}; the caller has made sure it has no errors. */
  public static Mapped map(ValohaiDto.Config config) {
    return new ProjectMapper().run(config);
  }

  private Mapped run(ValohaiDto.Config config) {
    List<Step> steps = new ArrayList<>();
    List<Pipeline> pipelines = new ArrayList<>();
    List<TaskBlueprint> tasks = new ArrayList<>();
    List<Endpoint> endpoints = new ArrayList<>();
    List<ValohaiDto.Deployment> deployments = new ArrayList<>();
    Map<String, Integer> occurrences = new HashMap<>();
    Map<String, ValohaiDto.Step> stepDtos = TaskTuning.steps(config);
    for (ValohaiDto.Item item : config.items()) {
      int n = occurrences.merge(item.kind() + ":" + item.name(), 1, Integer::sum);
      ModelPath base = new ModelPath(item.kind(), item.name(), 1, List.of()).occurrence(n);
      if (item.source() != null) {
        index.indexItem(base.key(), item.source().mark(), item.source());
      }
      if (item instanceof ValohaiDto.Step s) {
        steps.add(step(s));
      } else if (item instanceof ValohaiDto.Pipeline p) {
        pipelines.add(pipeline(p, base.key()));
      } else if (item instanceof ValohaiDto.Task t) {
        tasks.add(task(t, stepDtos));
      } else if (item instanceof ValohaiDto.Endpoint e) {
        endpoints.add(new Endpoint(e.name(), definition(e.source(), e)));
      } else if (item instanceof ValohaiDto.Deployment d) {
        deployments.add(d);
      }
    }
    return new Mapped(new Project(steps, pipelines, tasks, endpoints), index, deployments);
  }

  // ---------------------------------------------------------------------------------------------

  private static Step step(ValohaiDto.Step s) {
    Step.Builder b = Step.builder(s.name(), new StepRun.Command(s.command().lines()));
    b.optParameters(s.parameters().stream().map(ProjectMapper::parameter).toList());
    b.optInputs(s.inputs().stream().map(ProjectMapper::input).toList());
    b.optOutputs(s.outputs().stream().map(ProjectMapper::output).toList());
    Map<String, Object> ext = new LinkedHashMap<>();
    b.optResources(resources(s.resources(), ext));
    b.optImage(s.image());
    b.optEnvironment(s.environment());
    Map<String, String> env = new LinkedHashMap<>();
    boolean envDetails = false;
    for (ValohaiDto.EnvironmentVariable v : s.environmentVariables()) {
      env.put(v.name(), v.defaultValue());
      envDetails |= v.optional() != null || v.description() != null || !v.extra().isEmpty();
    }
    if (envDetails) {
      ext.put(ENV_DETAILS, envList(s.environmentVariables()));
    }
    b.optEnvironmentVariables(env);
    b.optTimeLimit(s.timeLimit());
    b.optNoOutputTimeout(s.noOutputTimeout());
    b.optDescription(s.description());
    putIf(ext, "mounts", s.mounts().isEmpty() ? null : s.mounts());
    putIf(ext, "cache-volumes", s.cacheVolumes().isEmpty() ? null : s.cacheVolumes());
    putIf(ext, "environment-variable-groups",
        s.environmentVariableGroups().isEmpty() ? null : s.environmentVariableGroups());
    putIf(ext, "autorestart", s.autorestart());
    putIf(ext, "runtime-config-preset", s.runtimeConfigPreset());
    putIf(ext, "icon", s.icon());
    putIf(ext, "category", s.category());
    putIf(ext, "source-path", s.sourcePath());
    putIf(ext, "stop-condition", s.stopCondition());
    putIf(ext, "upload-store", s.uploadStore());
    ext.putAll(s.extra());
    b.optExtensions(ext);
    return b.build();
  }

  static List<Object> envList(List<ValohaiDto.EnvironmentVariable> vars) {
    List<Object> out = new ArrayList<>();
    for (ValohaiDto.EnvironmentVariable v : vars) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", v.name());
      putIf(m, "default", v.defaultValue());
      putIf(m, "optional", v.optional());
      putIf(m, "description", v.description());
      m.putAll(v.extra());
      out.add(m);
    }
    return out;
  }

  private static void putIf(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static Resources resources(Map<String, Object> raw, Map<String, Object> ext) {
    if (raw == null) {
      return Resources.DEFAULT;
    }
    Resources r = Resources.DEFAULT;
    Map<String, Object> rest = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "cpu" -> {
          Map<?, ?> m = v instanceof Map<?, ?> mm ? mm : Map.of();
          r = r.withCpu(asDouble(m.get("min")), asDouble(m.get("max")));
        }
        case "memory" -> {
          Map<?, ?> m = v instanceof Map<?, ?> mm ? mm : Map.of();
          r = r.withMemoryMb(asLong(m.get("min")), asLong(m.get("max")));
        }
        case "devices" -> {
          Map<String, Object> devices = new LinkedHashMap<>();
          if (v instanceof Map<?, ?> m) {
            m.forEach((k, val) -> devices.put(String.valueOf(k), val));
          }
          r = r.withDevices(devices);
          Object gpus = devices.get("nvidia.com/gpu");
          if (gpus instanceof Number n) {
            r = r.withGpus(n.intValue());
          }
        }
        default -> rest.put(e.getKey(), v);
      }
    }
    if (!rest.isEmpty()) {
      ext.put("resources", rest);
    }
    return r;
  }

  private static Double asDouble(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static Long asLong(Object o) {
    return o instanceof Number n ? Long.valueOf(Math.round(n.doubleValue())) : null;
  }

  /** A YAML value as a parameter value; null stays absent. */
  static Optional<ParamValue> value(Object o) {
    if (o == null) {
      return Optional.empty();
    }
    if (o instanceof Boolean b) {
      return Optional.of(ParamValue.of(b));
    }
    if (o instanceof Long l) {
      return Optional.of(ParamValue.of(l));
    }
    if (o instanceof BigInteger big) {
      return Optional.of(ParamValue.of(big.toString()));
    }
    if (o instanceof Number n) {
      return Optional.of(ParamValue.of(n.doubleValue()));
    }
    if (o instanceof List<?> l) {
      List<ParamValue> vs = new ArrayList<>();
      for (Object item : l) {
        value(item).ifPresent(vs::add);
      }
      return Optional.of(ParamValue.list(vs));
    }
    return Optional.of(ParamValue.of(String.valueOf(o)));
  }

  private static ParameterSpec parameter(ValohaiDto.Parameter p) {
    ParameterType type =
        ParameterType.fromYamlName(p.type() == null ? "string" : p.type()).orElse(ParameterType.STRING);
    ParameterSpec.Builder b = ParameterSpec.builder(p.name(), type);
    b.optDescription(p.description());
    value(p.defaultValue()).ifPresent(b::optDefault);
    b.optOptional(Boolean.TRUE.equals(p.optional()));
    b.optMin(p.min() == null ? null : p.min().doubleValue());
    b.optMax(p.max() == null ? null : p.max().doubleValue());
    if (p.choices() != null) {
      List<ParamValue> choices = new ArrayList<>();
      for (Object c : p.choices()) {
        value(c).ifPresent(choices::add);
      }
      b.optChoices(choices);
    }
    b.optPassAs(p.passAs());
    b.optPassTrueAs(p.passTrueAs());
    b.optPassFalseAs(p.passFalseAs());
    b.optMultiple(
        p.multiple() == null ? MultipleMode.NONE : MultipleMode.fromYamlName(p.multiple()).orElse(MultipleMode.NONE));
    b.optMultipleSeparator(p.multipleSeparator());
    Map<String, Object> ext = new LinkedHashMap<>();
    putIf(ext, "category", p.category());
    putIf(ext, "widget", p.widget());
    if (p.optional() != null && !p.optional() && type != ParameterType.FLAG) {
      // explicit `optional: false` is the default; nothing to keep
    }
    ext.putAll(p.extra());
    b.optExtensions(ext);
    return b.build();
  }

  static KeepDirectories keep(Object k) {
    if (k instanceof Boolean b) {
      return b ? KeepDirectories.FULL : KeepDirectories.NONE;
    }
    if (k instanceof String s) {
      return KeepDirectories.fromYamlName(s).orElse(KeepDirectories.NONE);
    }
    return KeepDirectories.NONE;
  }

  private static InputSpec input(ValohaiDto.Input in) {
    return InputSpec.builder(in.name())
        .optDefaults(in.defaults())
        .optOptional(Boolean.TRUE.equals(in.optional()))
        .optDescription(in.description())
        .optFilename(in.filename())
        .optKeepDirectories(keep(in.keepDirectories()))
        .optDownload(in.download())
        .optExtensions(in.extra())
        .build();
  }

  private static OutputSpec output(ValohaiDto.Output o) {
    return new OutputSpec(
        o.name(),
        o.path() == null ? o.name() : o.path(),
        o.type() == null ? ArtifactType.FILES : new ArtifactType(o.type()));
  }

  // ---------------------------------------------------------------------------------------------

  private Pipeline pipeline(ValohaiDto.Pipeline p, String key) {
    List<Node> nodes = p.nodes().stream().map(ProjectMapper::node).toList();
    List<Edge> edges = new ArrayList<>();
    List<Object> unmapped = new ArrayList<>();
    List<Integer> yamlIndex = new ArrayList<>();
    int i = 0;
    for (ValohaiDto.Edge e : p.edges()) {
      Optional<EdgeEnd> src = end(e.source());
      Optional<EdgeEnd> dst = end(e.target());
      if (src.isPresent() && dst.isPresent()) {
        edges.add(new Edge(src.get(), dst.get(), e.configuration()));
        yamlIndex.add(i);
      } else {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", (long) i);
        m.put("source", e.source());
        m.put("target", e.target());
        if (!e.configuration().isEmpty()) {
          m.put("configuration", e.configuration());
        }
        unmapped.add(m);
      }
      i++;
    }
    List<PipelineParameter> params = new ArrayList<>();
    for (ValohaiDto.PipelineParameter pp : p.parameters()) {
      List<EdgeEnd> targets = new ArrayList<>();
      for (String t : pp.targets()) {
        end(t).ifPresent(targets::add);
      }
      Map<String, Object> ext = new LinkedHashMap<>();
      putIf(ext, "category", pp.category());
      ext.putAll(pp.extra());
      params.add(
          new PipelineParameter(
              pp.name(), targets, value(pp.defaultValue()), Optional.ofNullable(pp.description()),
              ext));
    }
    Map<String, Object> ext = new LinkedHashMap<>(p.extra());
    if (!unmapped.isEmpty()) {
      ext.put(UNMAPPED_EDGES, unmapped);
      index.remapEdges(key, yamlIndex.stream().mapToInt(Integer::intValue).toArray());
    }
    return new Pipeline(
        p.name(), nodes, edges, params, Boolean.TRUE.equals(p.reuseExecutions()), ext);
  }

  /** {@code node.kind.key}, split on the first two dots; empty when the domain has no such kind. */
  static Optional<EdgeEnd> end(String text) {
    List<String> parts = ConfigLinter.splitEnd(text);
    if (parts.size() != 3) {
      return Optional.empty();
    }
    String kind = ConfigLinter.EDGE_TYPE_SYNONYMS.getOrDefault(parts.get(1), parts.get(1));
    return PortKind.fromYamlName(kind).map(k -> new EdgeEnd(parts.get(0), k, parts.get(2)));
  }

  private static Node node(ValohaiDto.Node n) {
    OnError onError =
        n.onError() == null ? OnError.STOP_ALL : OnError.fromYamlName(n.onError()).orElse(OnError.STOP_ALL);
    EdgeMergeMode merge =
        n.edgeMergeMode() == null
            ? EdgeMergeMode.REPLACE
            : EdgeMergeMode.fromYamlName(n.edgeMergeMode()).orElse(EdgeMergeMode.REPLACE);
    List<NodeAction> actions =
        n.actions().stream().map(a -> new NodeAction(a.when(), a.conditions(), a.then())).toList();
    Map<String, Object> ext = new LinkedHashMap<>();
    putIf(ext, "commit", n.commit());
    ext.putAll(n.extra());
    String type = n.type() == null ? "execution" : n.type();
    StepOverride override = n.override() == null ? StepOverride.NONE : override(n.override());
    if (type.equals("deployment")) {
      return new Node.Deployment(
          n.name(),
          n.deployment(),
          n.endpoints() == null ? List.of() : n.endpoints(),
          n.aliases() == null ? List.of() : n.aliases(),
          onError, merge, actions, ext);
    }
    if (type.equals("task")) {
      return new Node.Task(
          n.name(), Optional.ofNullable(n.step()), Optional.ofNullable(n.task()), override, onError,
          merge, actions, ext);
    }
    return new Node.Execution(n.name(), n.step(), override, onError, merge, actions, ext);
  }

  private static StepOverride override(ValohaiDto.NodeOverride o) {
    Map<String, String> env = new LinkedHashMap<>();
    for (ValohaiDto.EnvironmentVariable v : o.environmentVariables()) {
      env.put(v.name(), v.defaultValue());
    }
    Map<String, Object> ext = new LinkedHashMap<>();
    putIf(ext, "mounts", o.mounts().isEmpty() ? null : o.mounts());
    putIf(ext, "autorestart", o.autorestart());
    putIf(ext, "runtime-config-preset", o.runtimeConfigPreset());
    ext.putAll(o.extra());
    return new StepOverride(
        Optional.ofNullable(o.image()),
        Optional.ofNullable(o.command()).map(ValohaiDto.Command::lines),
        Optional.ofNullable(o.environment()),
        env,
        o.inputs().stream().map(ProjectMapper::inputPatch).toList(),
        o.parameters().stream().map(ProjectMapper::parameterPatch).toList(),
        ext);
  }

  private static InputPatch inputPatch(ValohaiDto.Input in) {
    YamlMap src = in.source() instanceof YamlMap m ? m : null;
    boolean hasDefault = src != null && src.has("default") || !in.defaults().isEmpty();
    return new InputPatch(
        in.name(),
        hasDefault ? Optional.of(in.defaults()) : Optional.empty(),
        Optional.ofNullable(in.optional()),
        Optional.ofNullable(in.description()),
        Optional.ofNullable(in.filename()),
        in.keepDirectories() == null ? Optional.empty() : Optional.of(keep(in.keepDirectories())),
        Optional.ofNullable(in.download()),
        in.extra());
  }

  private static ParameterPatch parameterPatch(ValohaiDto.Parameter p) {
    Map<String, Object> ext = new LinkedHashMap<>();
    putIf(ext, "type", p.type());
    putIf(ext, "pass-true-as", p.passTrueAs());
    putIf(ext, "pass-false-as", p.passFalseAs());
    putIf(ext, "multiple-separator", p.multipleSeparator());
    putIf(ext, "category", p.category());
    putIf(ext, "widget", p.widget());
    ext.putAll(p.extra());
    Optional<List<ParamValue>> choices = Optional.empty();
    if (p.choices() != null) {
      List<ParamValue> cs = new ArrayList<>();
      for (Object c : p.choices()) {
        value(c).ifPresent(cs::add);
      }
      choices = Optional.of(cs);
    }
    return new ParameterPatch(
        p.name(),
        value(p.defaultValue()),
        Optional.ofNullable(p.optional()),
        Optional.ofNullable(p.description()),
        Optional.ofNullable(p.min()).map(Number::doubleValue),
        Optional.ofNullable(p.max()).map(Number::doubleValue),
        choices,
        Optional.ofNullable(p.passAs()),
        Optional.ofNullable(p.multiple()).flatMap(MultipleMode::fromYamlName),
        ext);
  }

  // ---------------------------------------------------------------------------------------------

  private static TaskBlueprint task(ValohaiDto.Task t, Map<String, ValohaiDto.Step> steps) {
    Map<String, Object> def = new LinkedHashMap<>();
    if (t.source() instanceof YamlMap m) {
      for (YamlNode.Entry e : m.entries()) {
        if (!List.of("name", "step", "type").contains(e.key())) {
          def.put(e.key(), e.value().toJava());
        }
      }
    }
    return new TaskBlueprint(
        t.name(), Optional.ofNullable(t.step()), Optional.ofNullable(t.type()), def,
        TaskTuning.spec(t, steps));
  }

  private static Map<String, Object> definition(YamlNode source, ValohaiDto.Endpoint e) {
    Map<String, Object> def = new LinkedHashMap<>();
    if (source instanceof YamlMap m) {
      for (YamlNode.Entry entry : m.entries()) {
        if (!entry.key().equals("name")) {
          def.put(entry.key(), entry.value().toJava());
        }
      }
    }
    return def;
  }
}
