package dev.kiln.compat.valohai.mapping;

import dev.kiln.compat.valohai.dto.ValohaiDto;
import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.Endpoint;
import dev.kiln.pipelines.InputPatch;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.KeepDirectories;
import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.OutputSpec;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterPatch;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.TaskBlueprint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The way back: a domain {@link Project} as {@code valohai.yaml} records, ready for {@link
 * dev.kiln.compat.valohai.dto.DtoWriter}. Keys kept in {@code extensions} go back under their own
 * names. Java steps ({@link StepRun.JavaFunction}) have no valohai.yaml form and are refused.
 */
public final class DomainToDto {
  private DomainToDto() {}

  /** Items in the order steps, tasks, endpoints, deployments, pipelines. */
  public static ValohaiDto.Config toDto(Project project, List<ValohaiDto.Deployment> deployments) {
    List<ValohaiDto.Item> items = new ArrayList<>();
    project.steps().forEach(s -> items.add(step(s)));
    project.tasks().forEach(t -> items.add(task(t)));
    project.endpoints().forEach(e -> items.add(endpoint(e)));
    items.addAll(deployments);
    project.pipelines().forEach(p -> items.add(pipeline(p)));
    return new ValohaiDto.Config(items);
  }

  private static String str(Map<String, Object> ext, String key) {
    Object v = ext.get(key);
    return v == null ? null : String.valueOf(v);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Map<String, Object> ext, String key) {
    Object v = ext.get(key);
    return v instanceof List<?> l ? (List<String>) l : List.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> objects(Map<String, Object> ext, String key) {
    Object v = ext.get(key);
    return v instanceof List<?> l ? (List<Object>) l : List.of();
  }

  private static Map<String, Object> without(Map<String, Object> ext, String... keys) {
    Map<String, Object> m = new LinkedHashMap<>(ext);
    for (String k : keys) {
      m.remove(k);
    }
    return m;
  }

  static ValohaiDto.Step step(Step s) {
    if (!(s.run() instanceof StepRun.Command cmd)) {
      throw new IllegalArgumentException(
          "step \"" + s.name() + "\" is a Java step; valohai.yaml can only hold command steps");
    }
    Map<String, Object> ext = s.extensions();
    List<ValohaiDto.EnvironmentVariable> env = new ArrayList<>();
    if (ext.get(ProjectMapper.ENV_DETAILS) instanceof List<?> details) {
      for (Object o : details) {
        if (o instanceof Map<?, ?> m) {
          Map<String, Object> extra = new LinkedHashMap<>();
          m.forEach((k, v) -> extra.put(String.valueOf(k), v));
          Object def = extra.remove("default");
          Object optional = extra.remove("optional");
          Object description = extra.remove("description");
          String name = String.valueOf(extra.remove("name"));
          env.add(new ValohaiDto.EnvironmentVariable(
              name, def == null ? null : String.valueOf(def),
              optional instanceof Boolean b ? b : null,
              description == null ? null : String.valueOf(description), extra, null));
        }
      }
    } else {
      s.environmentVariables().forEach(
          (k, v) -> env.add(new ValohaiDto.EnvironmentVariable(k, v, null, null, Map.of(), null)));
    }
    Map<String, Object> extra =
        without(ext, ProjectMapper.ENV_DETAILS, "mounts", "cache-volumes",
            "environment-variable-groups", "autorestart", "runtime-config-preset", "icon",
            "category", "source-path", "stop-condition", "upload-store", "resources");
    return new ValohaiDto.Step(
        s.name(),
        s.image().orElse(null),
        cmd.lines().size() == 1
            ? ValohaiDto.Command.of(cmd.lines().get(0))
            : new ValohaiDto.Command(cmd.lines(), true),
        s.parameters().stream().map(DomainToDto::parameter).toList(),
        s.inputs().stream().map(DomainToDto::input).toList(),
        s.outputs().stream().map(DomainToDto::output).toList(),
        objects(ext, "mounts"),
        strings(ext, "cache-volumes"),
        env,
        strings(ext, "environment-variable-groups"),
        s.environment().orElse(null),
        ext.get("autorestart") instanceof Boolean b ? b : null,
        str(ext, "runtime-config-preset"),
        s.description().orElse(null),
        s.timeLimit().orElse(null),
        s.noOutputTimeout().orElse(null),
        str(ext, "icon"),
        str(ext, "category"),
        str(ext, "source-path"),
        resources(s.resources(), ext.get("resources")),
        str(ext, "stop-condition"),
        str(ext, "upload-store"),
        extra,
        null);
  }

  private static Map<String, Object> resources(Resources r, Object rest) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (r.cpuMin().isPresent() || r.cpuMax().isPresent()) {
      Map<String, Object> cpu = new LinkedHashMap<>();
      r.cpuMin().ifPresent(v -> cpu.put("min", v));
      r.cpuMax().ifPresent(v -> cpu.put("max", v));
      m.put("cpu", cpu);
    }
    if (r.memoryMinMb().isPresent() || r.memoryMaxMb().isPresent()) {
      Map<String, Object> mem = new LinkedHashMap<>();
      r.memoryMinMb().ifPresent(v -> mem.put("min", v));
      r.memoryMaxMb().ifPresent(v -> mem.put("max", v));
      m.put("memory", mem);
    }
    Map<String, Object> devices = new LinkedHashMap<>(r.devices());
    if (r.gpus() > 0) {
      devices.putIfAbsent("nvidia.com/gpu", (long) r.gpus());
    }
    if (!devices.isEmpty()) {
      m.put("devices", devices);
    }
    if (rest instanceof Map<?, ?> rm) {
      rm.forEach((k, v) -> m.put(String.valueOf(k), v));
    }
    return m.isEmpty() ? null : m;
  }

  /** A parameter value as a plain YAML value. */
  static Object plain(ParamValue v) {
    if (v instanceof ParamValue.StringValue s) {
      return s.value();
    }
    if (v instanceof ParamValue.IntValue i) {
      return i.value();
    }
    if (v instanceof ParamValue.FloatValue f) {
      return f.value();
    }
    if (v instanceof ParamValue.FlagValue b) {
      return b.value();
    }
    List<Object> out = new ArrayList<>();
    for (ParamValue item : ((ParamValue.ListValue) v).values()) {
      out.add(plain(item));
    }
    return out;
  }

  private static Object plain(Optional<ParamValue> v) {
    return v.map(DomainToDto::plain).orElse(null);
  }

  private static List<Object> plainList(List<ParamValue> values) {
    List<Object> out = new ArrayList<>();
    values.forEach(v -> out.add(plain(v)));
    return out;
  }

  private static ValohaiDto.Parameter parameter(ParameterSpec p) {
    Map<String, Object> ext = p.extensions();
    return new ValohaiDto.Parameter(
        p.name(),
        p.type().yamlName(),
        p.description().orElse(null),
        plain(p.defaultValue()),
        p.optional() ? Boolean.TRUE : null,
        p.min().orElse(null),
        p.max().orElse(null),
        p.choices().isEmpty() ? null : plainList(p.choices()),
        p.passAs().orElse(null),
        p.passTrueAs().orElse(null),
        p.passFalseAs().orElse(null),
        p.multiple() == MultipleMode.NONE ? null : p.multiple().yamlName(),
        p.multipleSeparator().orElse(null),
        str(ext, "category"),
        ext.get("widget"),
        without(ext, "category", "widget"),
        null);
  }

  private static Object keepDirectories(KeepDirectories k) {
    return k == KeepDirectories.NONE ? null : k.yamlName();
  }

  private static ValohaiDto.Input input(InputSpec in) {
    return new ValohaiDto.Input(
        in.name(),
        in.defaults(),
        in.defaults().size() > 1,
        in.optional() ? Boolean.TRUE : null,
        in.description().orElse(null),
        in.filename().orElse(null),
        keepDirectories(in.keepDirectories()),
        in.download().orElse(null),
        in.extensions(),
        null);
  }

  private static ValohaiDto.Output output(OutputSpec o) {
    return new ValohaiDto.Output(
        o.name(),
        o.path().equals(o.name()) ? null : o.path(),
        o.type().isUntyped() ? null : o.type().name(),
        Map.of(),
        null);
  }

  // ---------------------------------------------------------------------------------------------

  private static ValohaiDto.Task task(TaskBlueprint t) {
    Map<String, Object> extra = new LinkedHashMap<>(t.definition());
    return new ValohaiDto.Task(
        t.name(), t.step().orElse(null), t.type().orElse(null), null, List.of(), List.of(), null,
        null, null, null, null, null, null, null, null, extra, null);
  }

  private static ValohaiDto.Endpoint endpoint(Endpoint e) {
    return new ValohaiDto.Endpoint(
        e.name(), null, null, null, null, null, List.of(), e.definition(), null);
  }

  private static ValohaiDto.Pipeline pipeline(Pipeline p) {
    List<ValohaiDto.Edge> edges = new ArrayList<>();
    for (Edge e : p.edges()) {
      edges.add(
          new ValohaiDto.Edge(
              e.source().toString(), e.target().toString(), e.configuration(),
              e.configuration().isEmpty(), null));
    }
    if (p.extensions().get(ProjectMapper.UNMAPPED_EDGES) instanceof List<?> unmapped) {
      for (Object o : unmapped) {
        if (o instanceof Map<?, ?> m) {
          int index = ((Number) m.get("index")).intValue();
          Map<String, Object> conf = new LinkedHashMap<>();
          if (m.get("configuration") instanceof Map<?, ?> c) {
            c.forEach((k, v) -> conf.put(String.valueOf(k), v));
          }
          edges.add(
              Math.min(index, edges.size()),
              new ValohaiDto.Edge(
                  String.valueOf(m.get("source")), String.valueOf(m.get("target")), conf,
                  conf.isEmpty(), null));
        }
      }
    }
    List<ValohaiDto.PipelineParameter> params = new ArrayList<>();
    for (PipelineParameter pp : p.parameters()) {
      params.add(
          new ValohaiDto.PipelineParameter(
              pp.name(),
              pp.targets().stream().map(Object::toString).toList(),
              plain(pp.defaultValue()),
              pp.description().orElse(null),
              str(pp.extensions(), "category"),
              without(pp.extensions(), "category"),
              null));
    }
    return new ValohaiDto.Pipeline(
        p.name(),
        p.nodes().stream().map(DomainToDto::node).toList(),
        edges,
        params,
        p.reuseExecutions() ? Boolean.TRUE : null,
        without(p.extensions(), ProjectMapper.UNMAPPED_EDGES),
        null);
  }

  private static ValohaiDto.Node node(Node n) {
    String onError = n.onError() == OnError.STOP_ALL ? null : n.onError().yamlName();
    String merge = n.edgeMergeMode() == EdgeMergeMode.REPLACE ? null : n.edgeMergeMode().yamlName();
    List<ValohaiDto.Action> actions =
        n.actions().stream()
            .map(a -> new ValohaiDto.Action(a.when(), a.conditions(), a.then(), null))
            .toList();
    Map<String, Object> ext = n.extensions();
    String commit = str(ext, "commit");
    Map<String, Object> extra = without(ext, "commit");
    if (n instanceof Node.Deployment d) {
      return new ValohaiDto.Node(
          d.name(), "deployment", null, null, d.deployment(), null, onError, merge, actions,
          d.aliases().isEmpty() ? null : d.aliases(),
          d.endpoints().isEmpty() ? null : d.endpoints(), commit, extra, null);
    }
    if (n instanceof Node.Task t) {
      return new ValohaiDto.Node(
          t.name(), "task", t.step().orElse(null), t.task().orElse(null), null,
          override(t.override()), onError, merge, actions, null, null, commit, extra, null);
    }
    Node.Execution e = (Node.Execution) n;
    return new ValohaiDto.Node(
        e.name(), "execution", e.step(), null, null, override(e.override()), onError, merge,
        actions, null, null, commit, extra, null);
  }

  private static ValohaiDto.NodeOverride override(StepOverride o) {
    if (o.isEmpty()) {
      return null;
    }
    Map<String, Object> ext = o.extensions();
    List<ValohaiDto.EnvironmentVariable> env = new ArrayList<>();
    o.environmentVariables().forEach(
        (k, v) -> env.add(new ValohaiDto.EnvironmentVariable(k, v, null, null, Map.of(), null)));
    return new ValohaiDto.NodeOverride(
        o.image().orElse(null),
        o.command()
            .map(lines -> lines.size() == 1
                ? ValohaiDto.Command.of(lines.get(0))
                : new ValohaiDto.Command(lines, true))
            .orElse(null),
        o.parameters().stream().map(DomainToDto::parameterPatch).toList(),
        o.inputs().stream().map(DomainToDto::inputPatch).toList(),
        objects(ext, "mounts"),
        env,
        o.environment().orElse(null),
        ext.get("autorestart") instanceof Boolean b ? b : null,
        str(ext, "runtime-config-preset"),
        without(ext, "mounts", "autorestart", "runtime-config-preset"),
        null);
  }

  private static ValohaiDto.Input inputPatch(InputPatch p) {
    List<String> defaults = p.defaults().orElse(List.of());
    Map<String, Object> extra = new LinkedHashMap<>(p.extensions());
    if (p.defaults().isPresent() && defaults.isEmpty()) {
      extra.put("default", List.of());
    }
    return new ValohaiDto.Input(
        p.name(),
        defaults,
        defaults.size() > 1,
        p.optional().orElse(null),
        p.description().orElse(null),
        p.filename().orElse(null),
        p.keepDirectories().map(KeepDirectories::yamlName).orElse(null),
        p.download().orElse(null),
        extra,
        null);
  }

  private static ValohaiDto.Parameter parameterPatch(ParameterPatch p) {
    Map<String, Object> ext = p.extensions();
    return new ValohaiDto.Parameter(
        p.name(),
        str(ext, "type"),
        p.description().orElse(null),
        p.defaultValue().map(DomainToDto::plain).orElse(null),
        p.optional().orElse(null),
        p.min().orElse(null),
        p.max().orElse(null),
        p.choices().map(DomainToDto::plainList).orElse(null),
        p.passAs().orElse(null),
        str(ext, "pass-true-as"),
        str(ext, "pass-false-as"),
        p.multiple().map(MultipleMode::yamlName).orElse(null),
        str(ext, "multiple-separator"),
        str(ext, "category"),
        ext.get("widget"),
        without(ext, "type", "pass-true-as", "pass-false-as", "multiple-separator", "category",
            "widget"),
        null);
  }

  static long seconds(Duration d) {
    return d.getSeconds();
  }
}
