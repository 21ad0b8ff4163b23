package dev.kiln.pipelines;

import java.util.LinkedHashMap;
import java.util.Map;

/** Shallow merge of kept-verbatim keys: the patch's keys win. */
final class Patches {
  private Patches() {}

  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    merged.putAll(patch);
    return merged;
  }
}
