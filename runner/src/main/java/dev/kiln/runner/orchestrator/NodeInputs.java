package dev.kiln.runner.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.KeepDirectories;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.command.CommandExpander;
import dev.kiln.runner.exec.InputFile;
import dev.kiln.runner.inputs.InputException;
import dev.kiln.runner.inputs.InputResolver;
import dev.kiln.runner.inputs.ResolvedFile;
import dev.kiln.runner.plan.ParamValues;
import dev.kiln.runner.plan.PlannedNode;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Works out a node's inputs and edge-fed parameter values from what the store recorded for its
 * upstream executions, so that the same code serves a fresh run and a resumed one.
 */
final class NodeInputs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LineageStore store;
  private final InputResolver resolver;
  private final String runId;

  NodeInputs(LineageStore store, InputResolver resolver, String runId) {
    this.store = store;
    this.resolver = resolver;
    this.runId = runId;
  }

  /** The node's parameter values with parameter and metadata edges applied. */
  Map<String, ParamValue> parameters(PlannedNode node) throws InputException {
    Map<String, ParamValue> upstreamValues = new LinkedHashMap<>();
    for (Edge e : node.incoming()) {
      if (e.target().kind() == PortKind.PARAMETER && e.source().kind() == PortKind.PARAMETER) {
        ExecutionDetail d = detail(upstream(e.source().node()));
        for (var p : d.parameters()) {
          if (p.name().equals(e.source().key())) {
            upstreamValues.put(e.source().node() + "." + p.name(), fromJson(p.valueJson()));
          }
        }
      }
    }
    Map<String, ParamValue> values = new LinkedHashMap<>(node.parameters());
    for (Edge e : node.incoming()) {
      if (e.target().kind() != PortKind.PARAMETER) {
        continue;
      }
      String key = e.source().node() + "." + e.source().key();
      ParamValue v;
      if (e.source().kind() == PortKind.PARAMETER) {
        v = upstreamValues.get(key);
        if (v == null) {
          continue; // the upstream parameter had no value: the target keeps its own
        }
      } else {
        v = lastMetadataValue(e.source().node(), e.source().key(), node, e);
      }
      ParameterSpec spec = node.step().parameter(e.target().key()).orElseThrow();
      values.put(e.target().key(), coerce(spec, v));
    }
    return values;
  }

  private ParamValue lastMetadataValue(String sourceNode, String key, PlannedNode node, Edge e)
      throws InputException {
    ExecutionRecord upstream = upstream(sourceNode);
    JsonNode last = null;
    long after = 0;
    while (true) {
      List<MetadataEntry> page = store.metadata(upstream.id(), after, 1000);
      if (page.isEmpty()) {
        break;
      }
      for (MetadataEntry m : page) {
        try {
          JsonNode n = JSON.readTree(m.json());
          if (n.has(key)) {
            last = n.get(key);
          }
        } catch (java.io.IOException ex) {
          // metadata rows are JSON written by the orchestrator; a bad one is skipped
        }
        after = m.seq();
      }
    }
    if (last == null) {
      throw new InputException(
          "edge " + e + ": node \"" + sourceNode + "\" printed no metadata with the key \"" + key
              + "\" (print a JSON line such as {\"" + key + "\": ...} on stdout)");
    }
    return fromJson(last);
  }

  static ParamValue fromJson(String json) throws InputException {
    try {
      return fromJson(JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new InputException("a recorded parameter value is not JSON: " + json, e);
    }
  }

  private static ParamValue fromJson(JsonNode n) {
    if (n.isIntegralNumber()) {
      return ParamValue.of(n.asLong());
    }
    if (n.isNumber()) {
      return ParamValue.of(n.asDouble());
    }
    if (n.isBoolean()) {
      return ParamValue.of(n.asBoolean());
    }
    if (n.isArray()) {
      List<ParamValue> items = new ArrayList<>();
      n.forEach(i -> items.add(fromJson(i)));
      return ParamValue.list(items);
    }
    return ParamValue.of(n.asText());
  }

  private static ParamValue coerce(ParameterSpec spec, ParamValue v) {
    if (v instanceof ParamValue.ListValue) {
      return v;
    }
    try {
      return ParamValues.parse(spec, CommandExpander.pythonStr(v).replace("True", "true")
          .replace("False", "false"));
    } catch (IllegalArgumentException e) {
      return v;
    }
  }

  /** The files of each input, placed by keep-directories, with their origin. */
  Map<String, List<InputFile>> inputs(PlannedNode node, Map<String, ParamValue> params)
      throws InputException {
    Map<String, List<InputFile>> out = new LinkedHashMap<>();
    for (InputSpec spec : node.step().inputs()) {
      List<InputFile> files = new ArrayList<>();
      List<Edge> edges =
          node.incoming().stream()
              .filter(e -> e.target().kind() == PortKind.INPUT)
              .filter(e -> e.target().key().equals(spec.name()))
              .toList();
      List<String> supplied = node.suppliedInputs().get(spec.name());
      if (supplied != null) {
        for (String uri : supplied) {
          files.addAll(resolve(uri, spec.keepDirectories(), params));
        }
      } else {
        for (Edge e : edges) {
          files.addAll(
              fromEdge(e, spec.keepDirectories(), node.node().edgeMergeMode() == EdgeMergeMode.APPEND));
        }
        if (edges.isEmpty() || node.node().edgeMergeMode() == EdgeMergeMode.APPEND) {
          for (String uri : spec.defaults()) {
            files.addAll(resolve(uri, spec.keepDirectories(), params));
          }
        }
      }
      if (spec.filename().isPresent() && files.size() == 1) {
        InputFile f = files.get(0);
        files.set(
            0,
            new InputFile(
                spec.filename().get(), f.source(), f.uri(), f.size(), f.sha256(), f.datumId(),
                f.producer()));
      }
      if (files.isEmpty() && !spec.optional()) {
        throw new InputException(
            "input \"" + spec.name() + "\" is required, but "
                + (edges.isEmpty() ? "it has no files" : "its edges brought no files ("
                    + edges.stream().map(Edge::toString).toList() + ")"));
      }
      out.put(spec.name(), files);
    }
    return out;
  }

  private List<InputFile> resolve(String uri, KeepDirectories keep, Map<String, ParamValue> params)
      throws InputException {
    String expanded = uri;
    for (var p : params.entrySet()) {
      String raw = CommandExpander.pythonStr(p.getValue());
      expanded =
          expanded.replace("{parameter:" + p.getKey() + "}", raw)
              .replace("{parameter-value:" + p.getKey() + "}", raw);
    }
    List<InputFile> files = new ArrayList<>();
    for (ResolvedFile f : resolver.resolve(expanded, keep)) {
      files.add(
          new InputFile(
              f.relativePath(), f.file(), f.uri(), f.size(), f.sha256(), f.datumId(),
              f.producer()));
    }
    return files;
  }

  /**
   * The files an edge brings. An edge out of a task node brings its best trial's files; with
   * {@code edge-merge-mode: append} on the receiving node, every succeeded trial's, each under
   * {@code trial-N/}.
   */
  private List<InputFile> fromEdge(Edge e, KeepDirectories keep, boolean allTrials)
      throws InputException {
    ExecutionRecord node =
        store
            .findExecution(runId, e.source().node())
            .orElseThrow(
                () ->
                    new InputException(
                        "upstream node \"" + e.source().node() + "\" has no execution"));
    if (!allTrials || store.tuningSpec(node.id()).isEmpty()) {
      return fromExecution(e, keep, upstream(e.source().node()), "");
    }
    List<InputFile> files = new ArrayList<>();
    for (ExecutionRecord t : store.trials(node.id())) {
      if (t.status().hasUsableOutputs()) {
        files.addAll(fromExecution(e, keep, t, "trial-" + t.trial() + "/"));
      }
    }
    return files;
  }

  private List<InputFile> fromExecution(
      Edge e, KeepDirectories keep, ExecutionRecord upstream, String prefix) {
    ExecutionDetail detail = detail(upstream);
    List<InputFile> files = new ArrayList<>();
    if (e.source().kind() == PortKind.OUTPUT) {
      String pattern = e.source().key();
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      String base = pattern.contains("/") && hasWildcard(pattern)
          ? pattern.substring(0, pattern.lastIndexOf('/', firstWildcard(pattern)) + 1)
          : "";
      for (OutputFile o : detail.outputs()) {
        if (!matcher.matches(Path.of(o.path())) && !o.path().equals(pattern)) {
          continue;
        }
        String relative =
            switch (keep) {
              case NONE -> Path.of(o.path()).getFileName().toString();
              case FULL -> o.path();
              case SUFFIX -> o.path().startsWith(base) ? o.path().substring(base.length()) : o.path();
            };
        files.add(
            new InputFile(
                prefix + relative,
                store.artifacts().resolve(o.datumId()),
                o.datumId(),
                o.size(),
                o.sha256(),
                Optional.of(o.datumId()),
                Optional.of(upstream.id())));
      }
    } else if (e.source().kind() == PortKind.INPUT) {
      for (var in : detail.inputs()) {
        if (!in.inputName().equals(e.source().key()) || in.datumId() == null) {
          continue;
        }
        files.add(
            new InputFile(
                prefix + in.fileName(),
                store.artifacts().resolve(in.datumId()),
                in.uri(),
                in.size() == null ? 0 : in.size(),
                in.sha256(),
                Optional.of(in.datumId()),
                Optional.ofNullable(in.producingExecutionId())));
      }
    }
    return files;
  }

  /**
   * The execution whose outputs, parameters and metadata an edge out of {@code nodeName} carries:
   * the node's, or for a task node its best trial's.
   */
  private ExecutionRecord upstream(String nodeName) throws InputException {
    ExecutionRecord e =
        store
            .findExecution(runId, nodeName)
            .orElseThrow(
                () -> new InputException("upstream node \"" + nodeName + "\" has no execution"));
    Optional<String> best = store.bestTrial(e.id());
    return best.isPresent() ? store.execution(best.get()) : e;
  }

  private ExecutionDetail detail(ExecutionRecord e) {
    return store.executionDetail(e.id());
  }

  private static boolean hasWildcard(String s) {
    return firstWildcard(s) >= 0;
  }

  private static int firstWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }
}
