package dev.kiln.compat.valohai.dto;

import dev.kiln.compat.valohai.dto.ValohaiDto.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link ValohaiDto} records as {@code valohai.yaml} text, keys in the order the reference
 * parser writes them, kept-verbatim keys after them. Absent (null) fields and empty lists are left
 * out.
 */
public final class DtoWriter {
  private DtoWriter() {}

  /** The whole file. */
  public static String write(ValohaiDto.Config config) {
    List<Object> items = new ArrayList<>();
    for (ValohaiDto.Item item : config.items()) {
      Map<String, Object> wrapper = new LinkedHashMap<>();
      wrapper.put(item.kind(), body(item));
      items.add(wrapper);
    }
    return YamlEmitter.emit(items);
  }

  private static Map<String, Object> body(ValohaiDto.Item item) {
    if (item instanceof ValohaiDto.Step s) {
      return step(s);
    }
    if (item instanceof ValohaiDto.Pipeline p) {
      return pipeline(p);
    }
    if (item instanceof ValohaiDto.Task t) {
      return task(t);
    }
    if (item instanceof ValohaiDto.Endpoint e) {
      return endpoint(e);
    }
    ValohaiDto.Deployment d = (ValohaiDto.Deployment) item;
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", d.name());
    m.putAll(d.extra());
    return m;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> l && l.isEmpty()) {
      return;
    }
    if (value instanceof Map<?, ?> mm && mm.isEmpty()) {
      return;
    }
    m.put(key, value);
  }

  private static Object command(Command c) {
    if (c == null) {
      return null;
    }
    return c.isList() || c.lines().size() != 1 ? c.lines() : c.lines().get(0);
  }

  private static Object duration(Duration d) {
    return d == null ? null : (Object) Durations.toYaml(d);
  }

  private static Map<String, Object> step(ValohaiDto.Step s) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", s.name());
    put(m, "image", s.image());
    put(m, "command", command(s.command()));
    put(m, "description", s.description());
    put(m, "parameters", s.parameters().stream().map(DtoWriter::parameter).toList());
    put(m, "inputs", s.inputs().stream().map(DtoWriter::input).toList());
    put(m, "outputs", s.outputs().stream().map(DtoWriter::output).toList());
    put(m, "mounts", s.mounts());
    put(m, "cache-volumes", s.cacheVolumes());
    put(m, "environment", s.environment());
    put(m, "autorestart", s.autorestart());
    put(m, "runtime-config-preset", s.runtimeConfigPreset());
    put(m, "environment-variables", s.environmentVariables().stream().map(DtoWriter::env).toList());
    put(m, "environment-variable-groups", s.environmentVariableGroups());
    put(m, "time-limit", duration(s.timeLimit()));
    put(m, "no-output-timeout", duration(s.noOutputTimeout()));
    put(m, "icon", s.icon());
    put(m, "category", s.category());
    put(m, "source-path", s.sourcePath());
    put(m, "resources", s.resources());
    put(m, "stop-condition", s.stopCondition());
    put(m, "upload-store", s.uploadStore());
    s.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> parameter(ValohaiDto.Parameter p) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", p.name());
    put(m, "type", p.type());
    put(m, "description", p.description());
    if (p.defaultValue() != null) {
      m.put("default", p.defaultValue());
    }
    put(m, "optional", p.optional());
    put(m, "min", p.min());
    put(m, "max", p.max());
    if (p.choices() != null) {
      m.put("choices", p.choices());
    }
    put(m, "pass-as", p.passAs());
    put(m, "pass-true-as", p.passTrueAs());
    put(m, "pass-false-as", p.passFalseAs());
    put(m, "multiple", p.multiple());
    put(m, "multiple-separator", p.multipleSeparator());
    put(m, "category", p.category());
    put(m, "widget", p.widget());
    p.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> input(ValohaiDto.Input in) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", in.name());
    if (!in.defaults().isEmpty()) {
      m.put("default", in.defaultIsList() || in.defaults().size() != 1 ? in.defaults() : in.defaults().get(0));
    }
    put(m, "optional", in.optional());
    put(m, "description", in.description());
    put(m, "filename", in.filename());
    put(m, "keep-directories", in.keepDirectories());
    put(m, "download", in.download());
    in.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> output(ValohaiDto.Output o) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", o.name());
    put(m, "path", o.path());
    put(m, "type", o.type());
    o.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> env(ValohaiDto.EnvironmentVariable v) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", v.name());
    put(m, "default", v.defaultValue());
    put(m, "optional", v.optional());
    put(m, "description", v.description());
    v.extra().forEach((k, val) -> m.putIfAbsent(k, val));
    return m;
  }

  private static Map<String, Object> pipeline(ValohaiDto.Pipeline p) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", p.name());
    put(m, "parameters", p.parameters().stream().map(DtoWriter::pipelineParameter).toList());
    m.put("nodes", p.nodes().stream().map(DtoWriter::node).toList());
    List<Object> edges = new ArrayList<>();
    for (ValohaiDto.Edge e : p.edges()) {
      if (e.configuration().isEmpty()) {
        edges.add(new YamlEmitter.Flow(List.of(e.source(), e.target())));
      } else {
        Map<String, Object> em = new LinkedHashMap<>();
        em.put("source", e.source());
        em.put("target", e.target());
        em.put("configuration", e.configuration());
        edges.add(em);
      }
    }
    m.put("edges", edges);
    put(m, "reuse-executions", p.reuseExecutions());
    p.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> pipelineParameter(ValohaiDto.PipelineParameter pp) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", pp.name());
    put(m, "targets", pp.targets());
    if (pp.defaultValue() != null) {
      m.put("default", pp.defaultValue());
    }
    put(m, "description", pp.description());
    put(m, "category", pp.category());
    pp.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> node(ValohaiDto.Node n) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", n.name());
    put(m, "type", n.type());
    put(m, "step", n.step());
    put(m, "task", n.task());
    put(m, "deployment", n.deployment());
    put(m, "commit", n.commit());
    if (n.aliases() != null) {
      m.put("aliases", n.aliases());
    }
    if (n.endpoints() != null) {
      m.put("endpoints", n.endpoints());
    }
    put(m, "on-error", n.onError());
    put(m, "edge-merge-mode", n.edgeMergeMode());
    if (n.override() != null) {
      m.put("override", override(n.override()));
    }
    List<Object> actions = new ArrayList<>();
    for (ValohaiDto.Action a : n.actions()) {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("when", a.when().size() == 1 ? a.when().get(0) : a.when());
      if (!a.conditions().isEmpty()) {
        am.put("if", a.conditions().size() == 1 ? a.conditions().get(0) : a.conditions());
      }
      am.put("then", a.then().size() == 1 ? a.then().get(0) : a.then());
      actions.add(am);
    }
    put(m, "actions", actions);
    n.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> override(ValohaiDto.NodeOverride o) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "image", o.image());
    put(m, "command", command(o.command()));
    put(m, "environment", o.environment());
    put(m, "runtime-config-preset", o.runtimeConfigPreset());
    put(m, "autorestart", o.autorestart());
    put(m, "parameters", o.parameters().stream().map(DtoWriter::parameter).toList());
    put(m, "inputs", o.inputs().stream().map(DtoWriter::input).toList());
    put(m, "mounts", o.mounts());
    put(m, "environment-variables", o.environmentVariables().stream().map(DtoWriter::env).toList());
    o.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> task(ValohaiDto.Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", t.name());
    put(m, "step", t.step());
    put(m, "type", t.type());
    put(m, "description", t.description());
    List<Object> params = new ArrayList<>();
    for (ValohaiDto.VariantParameter vp : t.parameters()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      put(pm, "name", vp.name());
      put(pm, "style", vp.style());
      pm.put("rules", vp.rules());
      params.add(pm);
    }
    put(m, "parameters", params);
    put(m, "parameter-sets", t.parameterSets());
    put(m, "execution-count", t.executionCount());
    put(m, "execution-batch-size", t.executionBatchSize());
    put(m, "maximum-queued-executions", t.maximumQueuedExecutions());
    put(m, "optimization-target-metric", t.optimizationTargetMetric());
    put(m, "optimization-target-value", t.optimizationTargetValue());
    put(m, "engine", t.engine());
    put(m, "on-child-error", t.onChildError());
    put(m, "stop-condition", t.stopCondition());
    put(m, "reuse-children", t.reuseChildren());
    t.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  private static Map<String, Object> endpoint(ValohaiDto.Endpoint e) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", e.name());
    put(m, "image", e.image());
    put(m, "server-command", command(e.serverCommand()));
    put(m, "port", e.port());
    put(m, "wsgi", e.wsgi());
    put(m, "description", e.description());
    put(m, "files", e.files());
    e.extra().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }
}
