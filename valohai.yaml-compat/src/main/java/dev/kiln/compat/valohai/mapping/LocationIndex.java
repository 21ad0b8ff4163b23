package dev.kiln.compat.valohai.mapping;

import dev.kiln.compat.valohai.yaml.Mark;
import dev.kiln.compat.valohai.yaml.YamlNode;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlMap;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlScalar;
import dev.kiln.compat.valohai.yaml.YamlNode.YamlSeq;
import dev.kiln.pipelines.validation.ModelPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each {@link ModelPath} of a project was written. Keys are {@link ModelPath#key()} strings
 * ({@code pipeline:train/edges/2/target}); a scalar maps to where its value starts, a mapping or
 * list to where its key is written, a list element to where it starts. Jackson's own locations are
 * never used: they come from our located tree.
 */
public final class LocationIndex {
  private final Map<String, Mark> marks = new HashMap<>();
  private final Map<String, int[]> edgeRemaps = new HashMap<>();

  /**
   * Records that the domain pipeline at {@code pipelineKey} holds only some of the YAML edges (the
   * others have a kind the domain lacks): its edge {@code i} is YAML edge {@code yamlIndex[i]}.
   */
  void remapEdges(String pipelineKey, int[] yamlIndex) {
    edgeRemaps.put(pipelineKey, yamlIndex.clone());
  }

  /** {@code path} with domain list indices turned back into the indices written in the file. */
  public ModelPath toYaml(ModelPath path) {
    List<String> seg = path.segments();
    int[] remap = edgeRemaps.get(new ModelPath(path.kind(), path.name(), path.occurrence(), List.of()).key());
    if (remap == null || seg.size() < 2 || !seg.get(0).equals("edges")) {
      return path;
    }
    int i = Integer.parseInt(seg.get(1));
    if (i >= remap.length) {
      return path;
    }
    List<String> out = new ArrayList<>(seg);
    out.set(1, Integer.toString(remap[i]));
    return new ModelPath(path.kind(), path.name(), path.occurrence(), out);
  }

  /** Indexes the body of one top-level item under {@code base} (such as {@code step:train#2}). */
  void indexItem(String base, Mark itemMark, YamlNode body) {
    marks.put(base, itemMark);
    walk(base, body);
  }

  private void walk(String path, YamlNode node) {
    if (node instanceof YamlMap m) {
      for (YamlNode.Entry e : m.entries()) {
        String p = path + "/" + e.key();
        YamlNode v = e.value();
        marks.putIfAbsent(p, v instanceof YamlScalar ? v.mark() : e.keyMark());
        walk(p, v);
        if (e.key().equals("target") && !m.has("targets")) {
          // `target: x` is the singular spelling of `targets: [x]`
          marks.putIfAbsent(path + "/targets", e.keyMark());
          marks.putIfAbsent(path + "/targets/0", v.mark());
        }
        if (e.key().equals("targets") && v instanceof YamlScalar) {
          marks.putIfAbsent(p + "/0", v.mark());
        }
      }
    } else if (node instanceof YamlSeq s) {
      List<YamlNode> items = s.items();
      for (int i = 0; i < items.size(); i++) {
        String p = path + "/" + i;
        marks.putIfAbsent(p, items.get(i).mark());
        walk(p, items.get(i));
      }
      if (path.matches(".*/edges/\\d+") && items.size() == 2) {
        marks.putIfAbsent(path + "/source", items.get(0).mark());
        marks.putIfAbsent(path + "/target", items.get(1).mark());
      }
    }
  }

  /** The location of {@code path}, or of its nearest indexed ancestor. */
  public Optional<Mark> find(ModelPath path) {
    ModelPath p = toYaml(path);
    while (true) {
      Mark m = marks.get(p.key());
      if (m != null) {
        return Optional.of(m);
      }
      ModelPath parent = p.parent();
      if (parent.equals(p)) {
        return Optional.ofNullable(marks.get(parent.occurrence(1).key()));
      }
      p = parent;
    }
  }

  /** Exact lookup by key, for tests and tools. */
  public Optional<Mark> get(String key) {
    return Optional.ofNullable(marks.get(key));
  }

  public int size() {
    return marks.size();
  }
}
