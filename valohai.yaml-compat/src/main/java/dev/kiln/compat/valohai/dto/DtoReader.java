package dev.kiln.compat.valohai.dto;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.dto.ValohaiDto.Action;
import dev.kiln.compat.valohai.dto.ValohaiDto.Command;
import dev.kiln.compat.valohai.dto.ValohaiDto.Config;
import dev.kiln.compat.valohai.dto.ValohaiDto.Deployment;
import dev.kiln.compat.valohai.dto.ValohaiDto.Edge;
import dev.kiln.compat.valohai.dto.ValohaiDto.Endpoint;
import dev.kiln.compat.valohai.dto.ValohaiDto.EnvironmentVariable;
import dev.kiln.compat.valohai.dto.ValohaiDto.Input;
import dev.kiln.compat.valohai.dto.ValohaiDto.Item;
import dev.kiln.compat.valohai.dto.ValohaiDto.Node;
import dev.kiln.compat.valohai.dto.ValohaiDto.NodeOverride;
import dev.kiln.compat.valohai.dto.ValohaiDto.Output;
import dev.kiln.compat.valohai.dto.ValohaiDto.Parameter;
import dev.kiln.compat.valohai.dto.ValohaiDto.Pipeline;
import dev.kiln.compat.valohai.dto.ValohaiDto.PipelineParameter;
import dev.kiln.compat.valohai.dto.ValohaiDto.Step;
import dev.kiln.compat.valohai.dto.ValohaiDto.Task;
import dev.kiln.compat.valohai.dto.ValohaiDto.VariantParameter;
import dev.kiln.compat.valohai.yaml.Mark;
import dev.kiln.compat.valohai.yaml.ScalarKind;
import dev.kiln.compat.valohai.yaml.YamlNode;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlMap;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlScalar;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlSeq;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Fills {@link ValohaiDto} records from a located YAML tree, checking what the reference parser's
 * JSON schema checks (required keys, value types, enums, name patterns, lengths). Every problem is
 * collected, none stops the reading: a bad value is reported and left out (null) so the rest of the
 * file is still checked.
 */
public final class DtoReader {
  static final Set<String> ITEM_KINDS = Set.of("step", "pipeline", "task", "endpoint", "deployment");
  static final int MAX_NAME_LENGTH = 64;
  static final Pattern ENDPOINT_NAME = Pattern.compile("^[a-z][a-z0-9-]+$");

  static final Set<String> STEP_KEYS =
      Set.of(
          "name", "image", "command", "parameters", "inputs", "outputs", "mounts", "cache-volumes",
          "environment-variables", "environment-variable-groups", "environment", "autorestart",
          "runtime-config-preset", "description", "time-limit", "no-output-timeout", "icon",
          "category", "source-path", "resources", "stop-condition", "upload-store");
  static final Set<String> PARAMETER_KEYS =
      Set.of(
          "name", "type", "description", "default", "optional", "min", "max", "choices", "pass-as",
          "pass-true-as", "pass-false-as", "multiple", "multiple-separator", "category", "widget");
  static final Set<String> INPUT_KEYS =
      Set.of(
          "name", "default", "optional", "description", "filename", "keep-directories", "download");
  static final Set<String> OUTPUT_KEYS = Set.of("name", "path", "type");
  static final Pattern ARTIFACT_TYPE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  static final Set<String> ENV_KEYS = Set.of("name", "default", "optional", "description");
  static final Set<String> PIPELINE_KEYS =
      Set.of("name", "nodes", "edges", "parameters", "reuse-executions");
  static final Set<String> NODE_KEYS =
      Set.of(
          "name", "type", "step", "task", "deployment", "override", "on-error", "edge-merge-mode",
          "actions", "aliases", "endpoints", "commit");
  static final Set<String> OVERRIDE_KEYS =
      Set.of(
          "image", "command", "parameters", "inputs", "mounts", "environment-variables",
          "environment", "autorestart", "runtime-config-preset");
  static final Set<String> PIPELINE_PARAMETER_KEYS =
      Set.of("name", "targets", "target", "default", "description", "category", "optional", "widget");
  static final Set<String> TASK_KEYS =
      Set.of(
          "name", "step", "type", "description", "parameters", "parameter-sets", "execution-count",
          "execution-batch-size", "maximum-queued-executions", "optimization-target-metric",
          "optimization-target-value", "engine", "on-child-error", "stop-condition",
          "reuse-children");
  static final Set<String> VARIANT_KEYS = Set.of("name", "style", "rules");
  static final Set<String> ENDPOINT_KEYS =
      Set.of(
          "name", "image", "server-command", "port", "wsgi", "description", "files", "resources",
          "node-selector", "tolerations", "environment");
  static final List<String> NODE_TYPES = List.of("execution", "task", "deployment");
  static final List<String> PARAMETER_TYPES = List.of("string", "integer", "float", "flag");

  /** Type names from other languages that users write, and the name valohai.yaml uses. */
  static final Map<String, String> TYPE_ALIASES =
      Map.of(
          "int", "integer", "double", "float", "bool", "flag", "boolean", "flag", "str", "string");
  static final List<String> MULTIPLE_MODES = List.of("separate", "repeat", "none");
  static final List<String> ON_ERROR = List.of("stop-all", "stop-next", "continue", "retry");
  static final List<String> EDGE_MERGE_MODES = List.of("replace", "append");
  static final List<String> KEEP_DIRECTORIES = List.of("none", "full", "suffix");
  static final List<String> TASK_TYPES =
      List.of("bayesian_tpe", "distributed", "grid_search", "manual_search", "random_search");
  static final List<String> ON_CHILD_ERROR =
      List.of("continue-and-complete", "continue-and-error", "stop-all-and-error");
  static final List<String> VARIANT_STYLES =
      List.of("linear", "logspace", "multiple", "random", "single");

  /**
   * Kiln's own keys ({@code Kiln:goal}...), where Valohai is silent: not warned about as unknown
   * here, linted by the mapping layer that reads them.
   */
  public static boolean isKilnKey(String key) {
    return key.regionMatches(true, 0, "Kiln:", 0, 5);
  }

  /** The records read, when the file had the right overall shape, and every problem found. */
  public record Result(Optional<Config> config, List<Diagnostic> diagnostics) {
    public Result {
      diagnostics = List.copyOf(diagnostics);
    }
  }

  private final Path file;
  private final List<Diagnostic> out = new ArrayList<>();

  private DtoReader(Path file) {
    this.file = file;
  }

  /** Reads the top-level list of {@code root}. */
  public static Result read(Path file, YamlNode root) {
    DtoReader r = new DtoReader(file);
    Optional<Config> config = r.readConfig(root);
    return new Result(config, r.out);
  }

  void report(Severity severity, Mark mark, String message) {
    out.add(new Diagnostic(file, mark.line(), mark.col(), severity, message));
  }

  // ---------------------------------------------------------------------------------------------
  // Top level

  private Optional<Config> readConfig(YamlNode root) {
    if (!(root instanceof YamlSeq seq)) {
      report(
          Severity.ERROR,
          root.mark(),
          "the top level must be a list of items (`- step:`, `- pipeline:`...), not "
              + root.describe());
      return Optional.empty();
    }
    List<Item> items = new ArrayList<>();
    int index = 0;
    for (YamlNode itemNode : seq.items()) {
      index++;
      readItem(itemNode, index).ifPresent(items::add);
    }
    return Optional.of(new Config(items));
  }

  private Optional<Item> readItem(YamlNode node, int index) {
    if (!(node instanceof YamlMap map) || map.size() == 0) {
      report(
          Severity.ERROR,
          node.mark(),
          "item " + index + ": expected a mapping such as `step:` or `pipeline:`, not "
              + node.describe());
      return Optional.empty();
    }
    YamlNode.Entry first = map.entries().get(0);
    String kind = first.key();
    if (!ITEM_KINDS.contains(kind)) {
      report(
          Severity.ERROR,
          first.keyMark(),
          "item " + index + ": unknown item type `" + kind
              + "` (expected one of step, pipeline, task, endpoint, deployment)"
              + DidYouMean.suffix(kind, ITEM_KINDS));
      return Optional.empty();
    }
    List<YamlNode.Entry> rest = map.entries().subList(1, map.size());
    if (!(first.value() instanceof YamlMap body)) {
      String message =
          "item " + index + ": `" + kind + "` is " + first.value().describe() + ", not a mapping";
      if (!rest.isEmpty()) {
        message +=
            "; this is valid YAML, but probably an indentation error: the keys "
                + String.join(", ", rest.stream().map(e -> "`" + e.key() + "`").toList())
                + " beside it should be indented under `" + kind + ":`";
      }
      report(
          Severity.ERROR,
          first.value() instanceof YamlScalar s && s.isNull() ? first.keyMark() : first.value().mark(),
          message);
      return Optional.empty();
    }
    for (YamlNode.Entry extra : rest) {
      report(
          Severity.ERROR,
          extra.keyMark(),
          "item " + index + ": `" + extra.key() + "` beside `" + kind
              + ":`; each list item holds exactly one " + kind + " (check the indentation)");
    }
    String name = nameOf(body);
    String label = name == null ? kind + " #" + index : kind + " \"" + name + "\"";
    Obj obj = new Obj(body, label, "");
    return Optional.of(
        switch (kind) {
          case "step" -> readStep(obj);
          case "pipeline" -> readPipeline(obj);
          case "task" -> readTask(obj);
          case "endpoint" -> readEndpoint(obj);
          default -> readDeployment(obj);
        });
  }

  private static String nameOf(YamlMap map) {
    return map.get("name")
        .filter(n -> n instanceof YamlScalar s && !s.isNull())
        .map(n -> ((YamlScalar) n).text())
        .orElse(null);
  }

  // ---------------------------------------------------------------------------------------------
  // Steps

  private Step readStep(Obj o) {
    o.known(STEP_KEYS, Severity.WARNING);
    String name = o.str("name", true);
    String image = o.str("image", true);
    Command command = o.command("command", true);
    List<Parameter> parameters = o.list("parameters", this::readParameter);
    List<Input> inputs = o.list("inputs", this::readInput);
    List<Output> outputs = o.list("outputs", this::readOutput);
    List<Object> mounts = o.rawList("mounts");
    List<String> cacheVolumes = o.strList("cache-volumes", false);
    List<EnvironmentVariable> env = o.list("environment-variables", this::readEnv);
    List<String> envGroups = o.strList("environment-variable-groups", false);
    String environment = o.str("environment", false);
    Boolean autorestart = o.bool("autorestart");
    String preset = o.str("runtime-config-preset", false);
    String description = o.str("description", false);
    Duration timeLimit = o.duration("time-limit");
    Duration noOutput = o.duration("no-output-timeout");
    String icon = o.str("icon", false);
    String category = o.str("category", false);
    String sourcePath = o.str("source-path", false);
    Map<String, Object> resources = readResources(o);
    String stopCondition = o.str("stop-condition", false);
    String uploadStore = o.str("upload-store", false);
    if (uploadStore != null && uploadStore.length() > MAX_NAME_LENGTH) {
      o.error(
          "upload-store",
          true,
          "is " + uploadStore.length() + " characters long; at most " + MAX_NAME_LENGTH
              + " are allowed");
    }
    return new Step(
        name, image, command, parameters, inputs, outputs, mounts, cacheVolumes, env, envGroups,
        environment, autorestart, preset, description, timeLimit, noOutput, icon, category,
        sourcePath, resources, stopCondition, uploadStore, o.extra(STEP_KEYS), o.map);
  }

  private Map<String, Object> readResources(Obj o) {
    Optional<YamlMap> res = o.map("resources");
    if (res.isEmpty()) {
      return null;
    }
    Obj r = o.child(res.get(), "resources");
    r.known(Set.of("cpu", "memory", "devices", "ephemeral-storage"), Severity.WARNING);
    for (String part : List.of("cpu", "memory", "ephemeral-storage")) {
      r.map(part)
          .ifPresent(
              m -> {
                Obj p = r.child(m, part);
                p.known(Set.of("min", "max"), Severity.ERROR);
                p.number("min");
                p.number("max");
              });
    }
    r.map("devices")
        .ifPresent(
            m -> {
              Obj d = r.child(m, "devices");
              for (YamlNode.Entry e : m.entries()) {
                d.integer(e.key());
              }
            });
    @SuppressWarnings("unchecked")
    Map<String, Object> java = (Map<String, Object>) res.get().toJava();
    return java;
  }

  private Parameter readParameter(Obj o) {
    o.known(PARAMETER_KEYS, Severity.ERROR);
    String name = o.str("name", true);
    String type = o.oneOf("type", PARAMETER_TYPES, TYPE_ALIASES);
    String multiple = o.oneOfLower("multiple", MULTIPLE_MODES);
    if ("flag".equals(type) && multiple != null && !multiple.equals("none")) {
      o.error("multiple", true, "a flag parameter can't be `multiple`");
    }
    return new Parameter(
        name,
        type,
        o.str("description", false),
        o.raw("default"),
        o.bool("optional"),
        o.number("min"),
        o.number("max"),
        o.has("choices") ? o.rawList("choices") : null,
        o.str("pass-as", false),
        o.str("pass-true-as", false),
        o.str("pass-false-as", false),
        multiple,
        o.scalarText("multiple-separator"),
        o.scalarText("category"),
        o.raw("widget"),
        o.extra(PARAMETER_KEYS),
        o.map);
  }

  private Input readInput(Obj o) {
    o.known(INPUT_KEYS, Severity.ERROR);
    String name = o.str("name", true);
    if (name != null && name.length() > MAX_NAME_LENGTH) {
      o.error(
          "name",
          true,
          "input name `" + name + "` is " + name.length() + " characters long; at most "
              + MAX_NAME_LENGTH + " are allowed");
    }
    List<String> defaults = List.of();
    boolean isList = false;
    Optional<YamlNode> def = o.map.get("default");
    if (def.isPresent() && !(def.get() instanceof YamlScalar s0 && s0.isNull())) {
      if (def.get() instanceof YamlSeq) {
        isList = true;
        defaults = o.strList("default", false);
      } else {
        String d = o.str("default", false);
        defaults = d == null ? List.of() : List.of(d);
      }
    }
    Object keep = null;
    Optional<YamlNode> kd = o.map.get("keep-directories");
    if (kd.isPresent() && kd.get() instanceof YamlScalar s && !s.isNull()) {
      if (s.kind() == ScalarKind.BOOLEAN) {
        keep = s.value();
      } else {
        keep = o.oneOfLower("keep-directories", KEEP_DIRECTORIES);
      }
    } else if (kd.isPresent() && !(kd.get() instanceof YamlScalar)) {
      o.error("keep-directories", true, "is " + kd.get().describe()
          + ", not true, false, none, full or suffix");
    }
    return new Input(
        name,
        defaults,
        isList,
        o.bool("optional"),
        o.str("description", false),
        o.str("filename", false),
        keep,
        o.str("download", false),
        o.extra(INPUT_KEYS),
        o.map);
  }

  private Output readOutput(Obj o) {
    for (YamlNode.Entry e : o.map.entries()) {
      if (!OUTPUT_KEYS.contains(e.key())) {
        report(Severity.WARNING, e.keyMark(), o.where(e.key()) + ": unknown key `" + e.key()
            + "` is ignored; a Kiln output has only name, path and type");
      }
    }
    String type = o.str("type", false);
    if (type != null && !ARTIFACT_TYPE.matcher(type).matches()) {
      o.error("type", true, "artifact type `" + type + "` must be lower-case words joined by "
          + "'-', like tfrecord-shards");
      type = null;
    }
    return new Output(o.str("name", true), o.str("path", false), type, Map.of(), o.map);
  }

  private EnvironmentVariable readEnv(Obj o) {
    o.known(ENV_KEYS, Severity.ERROR);
    return new EnvironmentVariable(
        o.str("name", true),
        o.scalarText("default"),
        o.bool("optional"),
        o.str("description", false),
        o.extra(ENV_KEYS),
        o.map);
  }

  // ---------------------------------------------------------------------------------------------
  // Pipelines

  private Pipeline readPipeline(Obj o) {
    o.known(PIPELINE_KEYS, Severity.ERROR);
    String name = o.str("name", true);
    List<Node> nodes = o.list("nodes", this::readNode);
    if (!o.has("nodes")) {
      o.required("nodes");
    }
    List<Edge> edges = new ArrayList<>();
    if (!o.has("edges")) {
      o.required("edges");
    }
    Optional<YamlSeq> edgeSeq = o.seq("edges");
    if (edgeSeq.isPresent()) {
      int i = 0;
      for (YamlNode e : edgeSeq.get().items()) {
        readEdge(o, "edges[" + i + "]", e).ifPresent(edges::add);
        i++;
      }
    }
    List<PipelineParameter> params = o.list("parameters", this::readPipelineParameter);
    return new Pipeline(
        name, nodes, edges, params, o.bool("reuse-executions"), o.extra(PIPELINE_KEYS), o.map);
  }

  private Optional<Edge> readEdge(Obj pipeline, String path, YamlNode node) {
    String where = pipeline.label + " › " + path;
    if (node instanceof YamlSeq seq) {
      List<YamlNode> items = seq.items();
      if (items.size() != 2) {
        report(
            Severity.ERROR,
            node.mark(),
            where + ": malformed edge shorthand " + render(seq) + ": expected two elements, "
                + "[source, target], found " + items.size());
        return Optional.empty();
      }
      String src = edgeEnd(where + "[0]", items.get(0));
      String tgt = edgeEnd(where + "[1]", items.get(1));
      if (src == null || tgt == null) {
        return Optional.empty();
      }
      return Optional.of(new Edge(src, tgt, Map.of(), true, node));
    }
    if (node instanceof YamlMap map) {
      Obj e = new Obj(map, pipeline.label, path);
      e.known(Set.of("source", "target", "configuration"), Severity.ERROR);
      String src = e.str("source", true);
      String tgt = e.str("target", true);
      Map<String, Object> conf = Map.of();
      Optional<YamlMap> c = e.map("configuration");
      if (c.isPresent()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> cj = (Map<String, Object>) c.get().toJava();
        conf = cj;
      }
      if (src == null || tgt == null) {
        return Optional.empty();
      }
      return Optional.of(new Edge(src, tgt, conf, false, node));
    }
    report(
        Severity.ERROR,
        node.mark(),
        where + ": an edge is [source, target] or {source: ..., target: ...}, not "
            + node.describe());
    return Optional.empty();
  }

  private String edgeEnd(String where, YamlNode node) {
    if (node instanceof YamlScalar s && s.kind() == ScalarKind.STRING) {
      return s.text();
    }
    report(Severity.ERROR, node.mark(), where + ": is " + node.describe() + ", not a string");
    return null;
  }

  private static String render(YamlSeq seq) {
    return "["
        + String.join(
            ", ",
            seq.items().stream()
                .map(n -> n instanceof YamlScalar s ? "'" + s.text() + "'" : n.describe())
                .toList())
        + "]";
  }

  private Node readNode(Obj o) {
    o.known(NODE_KEYS, Severity.ERROR);
    String name = o.str("name", true);
    String type = o.oneOf("type", NODE_TYPES);
    if (!o.has("type")) {
      o.required("type");
    }
    String step = o.str("step", false);
    String task = o.str("task", false);
    String deployment = o.str("deployment", false);
    if ("execution".equals(type) && step == null && !o.has("step")) {
      o.required("step");
    }
    if ("task".equals(type) && step == null && task == null && !o.has("step") && !o.has("task")) {
      o.error("type", false, "a task node needs `step` or `task`");
    }
    if ("deployment".equals(type) && deployment == null && !o.has("deployment")) {
      o.required("deployment");
    }
    NodeOverride override = o.map("override").map(m -> readOverride(o.child(m, "override"))).orElse(null);
    String onError = o.oneOf("on-error", ON_ERROR);
    String mergeMode = o.oneOf("edge-merge-mode", EDGE_MERGE_MODES);
    List<Action> actions = o.list("actions", this::readAction);
    List<String> aliases = o.has("aliases") ? o.strList("aliases", false) : null;
    List<String> endpoints = o.has("endpoints") ? o.strList("endpoints", false) : null;
    String commit = o.scalarText("commit");
    return new Node(
        name, type, step, task, deployment, override, onError, mergeMode, actions, aliases,
        endpoints, commit, o.extra(NODE_KEYS), o.map);
  }

  private NodeOverride readOverride(Obj o) {
    for (YamlNode.Entry e : o.map.entries()) {
      if (!OVERRIDE_KEYS.contains(e.key())) {
        report(
            Severity.ERROR,
            e.keyMark(),
            o.where(e.key()) + ": `" + e.key() + "` is not a field an override can set (it can set "
                + String.join(", ", new TreeSet<>(OVERRIDE_KEYS))
                + "); should it be nested under `inputs` or `parameters`?");
      }
    }
    return new NodeOverride(
        o.str("image", false),
        o.command("command", false),
        o.list("parameters", this::readOverrideParameter),
        o.list("inputs", this::readOverrideInput),
        o.rawList("mounts"),
        o.list("environment-variables", this::readEnv),
        o.str("environment", false),
        o.bool("autorestart"),
        o.str("runtime-config-preset", false),
        o.extra(OVERRIDE_KEYS),
        o.map);
  }

  private Parameter readOverrideParameter(Obj o) {
    return readParameter(o);
  }

  private Input readOverrideInput(Obj o) {
    return readInput(o);
  }

  private Action readAction(Obj o) {
    o.known(Set.of("when", "if", "then"), Severity.ERROR);
    if (!o.has("when")) {
      o.required("when");
    }
    if (!o.has("then")) {
      o.required("then");
    }
    return new Action(
        o.strList("when", true), o.strList("if", true), o.strList("then", true), o.map);
  }

  private PipelineParameter readPipelineParameter(Obj o) {
    o.known(PIPELINE_PARAMETER_KEYS, Severity.ERROR);
    List<String> targets = new ArrayList<>();
    if (o.has("targets")) {
      targets.addAll(o.strList("targets", true));
    }
    if (o.has("target")) {
      targets.addAll(o.strList("target", true));
    }
    return new PipelineParameter(
        o.str("name", true),
        targets,
        o.raw("default"),
        o.str("description", false),
        o.scalarText("category"),
        o.extra(PIPELINE_PARAMETER_KEYS),
        o.map);
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks, endpoints, deployments

  private Task readTask(Obj o) {
    // The reference parser reads both `execution-count` and `execution_count`.
    for (YamlNode.Entry e : o.map.entries()) {
      String k = e.key().replace('_', '-');
      if (!TASK_KEYS.contains(k) && !isKilnKey(e.key())) {
        report(
            Severity.WARNING,
            e.keyMark(),
            o.where(e.key()) + ": unknown key `" + e.key() + "` in a task; kept as is"
                + DidYouMean.suffix(e.key(), TASK_KEYS));
      }
    }
    String name = o.str("name", true);
    String step = o.str("step", true);
    String type = null;
    String rawType = o.str("type", false);
    if (rawType != null) {
      type = rawType.toLowerCase(Locale.ROOT).replace('-', '_');
      if (!TASK_TYPES.contains(type)) {
        o.error("type", true, "`" + rawType + "` is not one of " + String.join(", ", TASK_TYPES)
            + DidYouMean.suffix(type, TASK_TYPES));
        type = null;
      }
    }
    String onChild = null;
    String rawOnChild = o.str(o.key("on-child-error"), false);
    if (rawOnChild != null) {
      onChild = rawOnChild.toLowerCase(Locale.ROOT).replace('_', '-');
      if (!ON_CHILD_ERROR.contains(onChild)) {
        o.error(o.key("on-child-error"), true, "`" + rawOnChild + "` is not one of "
            + String.join(", ", ON_CHILD_ERROR));
        onChild = null;
      }
    }
    List<VariantParameter> params = o.list("parameters", this::readVariant);
    List<Map<String, Object>> sets = new ArrayList<>();
    o.seq(o.key("parameter-sets"))
        .ifPresent(
            seq -> {
              for (YamlNode n : seq.items()) {
                if (n instanceof YamlMap m) {
                  @SuppressWarnings("unchecked")
                  Map<String, Object> j = (Map<String, Object>) m.toJava();
                  sets.add(j);
                } else {
                  report(Severity.ERROR, n.mark(), o.where("parameter-sets")
                      + ": each parameter set is a mapping, not " + n.describe());
                }
              }
            });
    Number target = o.number(o.key("optimization-target-value"));
    return new Task(
        name,
        step,
        type,
        o.str("description", false),
        params,
        sets,
        o.integer(o.key("execution-count")),
        o.integer(o.key("execution-batch-size")),
        o.integer(o.key("maximum-queued-executions")),
        o.scalarText(o.key("optimization-target-metric")),
        target == null ? null : target.doubleValue(),
        o.str("engine", false),
        onChild,
        o.str(o.key("stop-condition"), false),
        o.bool(o.key("reuse-children")),
        o.extraNormalized(TASK_KEYS),
        o.map);
  }

  private VariantParameter readVariant(Obj o) {
    o.known(VARIANT_KEYS, Severity.ERROR);
    String name = o.str("name", true);
    String style = o.oneOf("style", VARIANT_STYLES);
    if (!o.has("style")) {
      o.required("style");
    }
    Map<String, Object> rules = Map.of();
    if (!o.has("rules")) {
      o.required("rules");
    } else {
      Optional<YamlMap> r = o.map("rules");
      if (r.isPresent()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) r.get().toJava();
        rules = j;
      }
    }
    return new VariantParameter(name, style, rules, o.map);
  }

  private Endpoint readEndpoint(Obj o) {
    o.known(ENDPOINT_KEYS, Severity.WARNING);
    String name = o.str("name", true);
    if (name != null && !ENDPOINT_NAME.matcher(name).matches()) {
      o.error(
          "name",
          true,
          "endpoint name `" + name + "` must start with a lowercase letter and contain only "
              + "lowercase letters, digits and dashes (pattern ^[a-z][a-z0-9-]+$)");
    }
    o.str("image", false);
    List<Map<String, Object>> files = new ArrayList<>();
    o.seq("files")
        .ifPresent(
            seq -> {
              for (YamlNode n : seq.items()) {
                if (n instanceof YamlMap m) {
                  @SuppressWarnings("unchecked")
                  Map<String, Object> j = (Map<String, Object>) m.toJava();
                  files.add(j);
                } else {
                  report(Severity.ERROR, n.mark(), o.where("files")
                      + ": each file is a mapping with `name` and `path`, not " + n.describe());
                }
              }
            });
    Set<String> modeled = Set.of("name", "image", "server-command", "port", "wsgi", "description",
        "files");
    return new Endpoint(
        name,
        o.str("image", false),
        o.command("server-command", false),
        o.integer("port"),
        o.str("wsgi", false),
        o.str("description", false),
        files,
        o.extra(modeled),
        o.map);
  }

  private Deployment readDeployment(Obj o) {
    String name = o.str("name", true);
    return new Deployment(name, o.extra(Set.of("name")), o.map);
  }

  // ---------------------------------------------------------------------------------------------

  /** Field access on one YAML mapping, reporting type problems located at the key or value. */
  final class Obj {
    final YamlMap map;
    final String label;
    final String path;

    Obj(YamlMap map, String label, String path) {
      this.map = map;
      this.label = label;
      this.path = path;
    }

    Obj child(YamlMap m, String key) {
      return new Obj(m, label, at(key));
    }

    String at(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    String where(String key) {
      return label + " › " + at(key);
    }

    String whereSelf() {
      return path.isEmpty() ? label : label + " › " + path;
    }

    boolean has(String key) {
      return map.has(key);
    }

    /** For task keys, which may use `_`: the spelling present in the file. */
    String key(String dashed) {
      String under = dashed.replace('-', '_');
      return !map.has(dashed) && map.has(under) ? under : dashed;
    }

    void error(String key, boolean atValue, String message) {
      report(Severity.ERROR, atValue ? map.valueMark(key) : map.keyMark(key),
          where(key) + ": " + message);
    }

    void required(String key) {
      report(Severity.ERROR, map.mark(), whereSelf() + ": `" + key + "` is required");
    }

    void known(Set<String> keys, Severity severity) {
      for (YamlNode.Entry e : map.entries()) {
        if (!keys.contains(e.key())) {
          report(
              severity,
              e.keyMark(),
              where(e.key()) + ": unknown key `" + e.key() + "`"
                  + (severity == Severity.WARNING ? "; kept as is" : "")
                  + DidYouMean.suffix(e.key(), keys));
        }
      }
    }

    Map<String, Object> extra(Set<String> modeled) {
      Map<String, Object> extra = new LinkedHashMap<>();
      for (YamlNode.Entry e : map.entries()) {
        if (!modeled.contains(e.key())) {
          extra.put(e.key(), e.value().toJava());
        }
      }
      return extra;
    }

    Map<String, Object> extraNormalized(Set<String> modeled) {
      Map<String, Object> extra = new LinkedHashMap<>();
      for (YamlNode.Entry e : map.entries()) {
        if (!modeled.contains(e.key().replace('_', '-'))) {
          extra.put(e.key(), e.value().toJava());
        }
      }
      return extra;
    }

    private String typeProblem(YamlNode v, String expected) {
      if (v instanceof YamlScalar s) {
        if (s.isNull()) {
          return "is null, not " + expected;
        }
        String text = s.kind() == ScalarKind.STRING ? "'" + s.text() + "'" : "`" + s.text() + "`";
        return text + " is " + s.describe() + ", not " + expected;
      }
      return "is " + v.describe() + ", not " + expected;
    }

    String str(String key, boolean required) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty()) {
        if (required) {
          required(key);
        }
        return null;
      }
      if (v.get() instanceof YamlScalar s && s.kind() == ScalarKind.STRING) {
        return s.text();
      }
      if (!required && v.get() instanceof YamlScalar s && s.isNull()) {
        return null;
      }
      error(key, true, typeProblem(v.get(), "a string"));
      return null;
    }

    /** A scalar taken as text whatever its YAML type (categories, separators, commits). */
    String scalarText(String key) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull())) {
        return null;
      }
      if (v.get() instanceof YamlScalar s) {
        return s.text();
      }
      error(key, true, typeProblem(v.get(), "a string"));
      return null;
    }

    String oneOf(String key, List<String> allowed) {
      return oneOf(key, allowed, Map.of());
    }

    /** Like {@link #oneOf(String, List)}, hinting {@code use X} for a known alias. */
    String oneOf(String key, List<String> allowed, Map<String, String> aliases) {
      Optional<YamlNode> raw = map.get(key);
      if (raw.isPresent() && raw.get() instanceof YamlScalar rs && !rs.isNull()
          && aliases.containsKey(rs.text().toLowerCase(Locale.ROOT))) {
        error(key, true, "unknown type `" + rs.text() + "`; use "
            + aliases.get(rs.text().toLowerCase(Locale.ROOT)));
        return null;
      }
      String s = str(key, false);
      if (s != null && !allowed.contains(s)) {
        error(key, true, "`" + s + "` is not one of " + String.join(", ", allowed)
            + DidYouMean.suffix(s, allowed));
        return null;
      }
      return s;
    }

    String oneOfLower(String key, List<String> allowed) {
      String s = scalarText(key);
      if (s == null) {
        return null;
      }
      String lower = s.toLowerCase(Locale.ROOT);
      if (!allowed.contains(lower)) {
        error(key, true, "`" + s + "` is not one of " + String.join(", ", allowed)
            + DidYouMean.suffix(lower, allowed));
        return null;
      }
      return lower;
    }

    Boolean bool(String key) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull())) {
        return null;
      }
      if (v.get() instanceof YamlScalar s && s.kind() == ScalarKind.BOOLEAN) {
        return (Boolean) s.value();
      }
      error(key, true, typeProblem(v.get(), "a boolean (true or false)"));
      return null;
    }

    Number number(String key) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull())) {
        return null;
      }
      if (v.get() instanceof YamlScalar s
          && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.FLOAT)) {
        return (Number) s.value();
      }
      error(key, true, typeProblem(v.get(), "a number"));
      return null;
    }

    Long integer(String key) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull())) {
        return null;
      }
      if (v.get() instanceof YamlScalar s && s.kind() == ScalarKind.INTEGER
          && s.value() instanceof Long l) {
        return l;
      }
      error(key, true, typeProblem(v.get(), "an integer"));
      return null;
    }

    Object raw(String key) {
      return map.get(key).map(YamlNode::toJava).orElse(null);
    }

    Optional<YamlMap> map(String key) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull() && !key.equals("rules"))) {
        return Optional.empty();
      }
      if (v.get() instanceof YamlMap m) {
        return Optional.of(m);
      }
      error(key, true, typeProblem(v.get(), "a mapping"));
      return Optional.empty();
    }

    Optional<YamlSeq> seq(String key) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull())) {
        return Optional.empty();
      }
      if (v.get() instanceof YamlSeq s) {
        return Optional.of(s);
      }
      error(key, true, typeProblem(v.get(), "a list"));
      return Optional.empty();
    }

    List<Object> rawList(String key) {
      return seq(key).map(s -> s.items().stream().map(YamlNode::toJava).toList())
          .map(l -> (List<Object>) new ArrayList<Object>(l))
          .orElse(List.of());
    }

    /** A list of strings; with {@code orSingle}, one string stands for a one-element list. */
    List<String> strList(String key, boolean orSingle) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull())) {
        return List.of();
      }
      if (orSingle && v.get() instanceof YamlScalar s && s.kind() == ScalarKind.STRING) {
        return List.of(s.text());
      }
      if (!(v.get() instanceof YamlSeq seq)) {
        error(key, true, typeProblem(v.get(), orSingle ? "a string or a list of strings" : "a list of strings"));
        return List.of();
      }
      List<String> out = new ArrayList<>();
      int i = 0;
      for (YamlNode n : seq.items()) {
        if (n instanceof YamlScalar s && s.kind() == ScalarKind.STRING) {
          out.add(s.text());
        } else {
          report(Severity.ERROR, n.mark(), where(key) + "[" + i + "]: " + typeProblem(n, "a string"));
        }
        i++;
      }
      return out;
    }

    Command command(String key, boolean required) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty()) {
        if (required) {
          required(key);
        }
        return null;
      }
      if (v.get() instanceof YamlScalar s && s.kind() == ScalarKind.STRING) {
        return Command.of(s.text());
      }
      if (v.get() instanceof YamlSeq seq) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (YamlNode n : seq.items()) {
          if (n instanceof YamlScalar s && s.kind() == ScalarKind.STRING) {
            lines.add(s.text());
          } else {
            report(Severity.ERROR, n.mark(), where(key) + "[" + i + "]: " + typeProblem(n, "a string"));
          }
          i++;
        }
        return new Command(lines, true);
      }
      error(key, true, typeProblem(v.get(), "a string nor a list of strings").replace(", not a string nor", ", neither a string nor"));
      return null;
    }

    Duration duration(String key) {
      Optional<YamlNode> v = map.get(key);
      if (v.isEmpty() || (v.get() instanceof YamlScalar s0 && s0.isNull())) {
        return null;
      }
      if (v.get() instanceof YamlScalar s
          && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.STRING
              || s.kind() == ScalarKind.FLOAT)) {
        try {
          return Durations.parse(s.text());
        } catch (IllegalArgumentException e) {
          error(key, true, e.getMessage());
          return null;
        }
      }
      error(key, true, typeProblem(v.get(), "a duration (seconds, or like `1h 30m 5s`)"));
      return null;
    }

    <T> List<T> list(String key, Function<Obj, T> reader) {
      Optional<YamlSeq> seq = seq(key);
      if (seq.isEmpty()) {
        return List.of();
      }
      List<T> out = new ArrayList<>();
      int i = 0;
      for (YamlNode n : seq.get().items()) {
        String p = at(key) + "[" + i + "]";
        if (n instanceof YamlMap m) {
          out.add(reader.apply(new Obj(m, label, p)));
        } else if (key.equals("mounts")) {
          // handled by rawList
        } else {
          report(Severity.ERROR, n.mark(), label + " › " + p + ": " + typeProblem(n, "a mapping"));
        }
        i++;
      }
      return out;
    }
  }
}
