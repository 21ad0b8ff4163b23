package dev.kiln.pipelines;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys of a definition that Kiln keeps but does not interpret (for instance valohai.yaml's {@code
 * mounts}), as plain values: strings, numbers, booleans, null, lists and maps of those, in the
 * order written. Copied deeply so a definition cannot change after it was built.
 */
public final class Extensions {
  private Extensions() {}

  /** A deep, unmodifiable, order-keeping copy. Null values are allowed (YAML has them). */
  public static Map<String, Object> copyOf(Map<String, ?> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, copyValue(v)));
    return Collections.unmodifiableMap(copy);
  }

  private static Object copyValue(Object v) {
    if (v == null
        || v instanceof String
        || v instanceof Number
        || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, val) -> copy.put(String.valueOf(k), copyValue(val)));
      return Collections.unmodifiableMap(copy);
    }
    if (v instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      for (Object o : l) {
        copy.add(copyValue(o));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException(
        "an extension value must be a string, number, boolean, list or map, not "
            + v.getClass().getSimpleName());
  }
}
