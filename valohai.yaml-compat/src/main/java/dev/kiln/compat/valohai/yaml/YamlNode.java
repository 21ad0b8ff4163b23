package dev.kiln.compat.valohai.yaml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A YAML value with its position. Maps keep their key order and the position of every key, so a
 * message about a key points at the key and a message about a value points at the value.
 */
public sealed interface YamlNode permits YamlNode.YamlMap, YamlNode.YamlSeq, YamlNode.YamlScalar {

  /** Where the value starts. */
  Mark mark();

  /** How a user would name this kind of value in a message: "a mapping", "a list", "a string"... */
  String describe();

  /** The value as plain Java: {@code Map<String,Object>}, {@code List<Object>}, String, Long... */
  Object toJava();

  /** Inside containers a timestamp is kept as its text, so containers hold only plain values. */
  private static Object plain(Object o) {
    return o instanceof YamlTimestamp t ? t.text() : o;
  }

  /** One key of a mapping, with where the key itself is written. */
  record Entry(String key, Mark keyMark, YamlNode value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(keyMark, "keyMark");
      Objects.requireNonNull(value, "value");
    }
  }

  /** A mapping. Duplicate keys were already reported by the reader; the last one wins here. */
  final class YamlMap implements YamlNode {
    private final Mark mark;
    private final Map<String, Entry> entries;

    public YamlMap(Mark mark, List<Entry> entries) {
      this.mark = Objects.requireNonNull(mark, "mark");
      Map<String, Entry> map = new LinkedHashMap<>();
      for (Entry e : entries) {
        map.put(e.key(), e);
      }
      this.entries = Collections.unmodifiableMap(map);
    }

    @Override
    public Mark mark() {
      return mark;
    }

    public List<Entry> entries() {
      return List.copyOf(entries.values());
    }

    public Optional<Entry> entry(String key) {
      return Optional.ofNullable(entries.get(key));
    }

    public Optional<YamlNode> get(String key) {
      return entry(key).map(Entry::value);
    }

    public boolean has(String key) {
      return entries.containsKey(key);
    }

    /** Where {@code key} is written, or where this mapping starts if the key is absent. */
    public Mark keyMark(String key) {
      Entry e = entries.get(key);
      return e == null ? mark : e.keyMark();
    }

    /** Where the value of {@code key} starts, or where this mapping starts if the key is absent. */
    public Mark valueMark(String key) {
      Entry e = entries.get(key);
      return e == null ? mark : e.value().mark();
    }

    public int size() {
      return entries.size();
    }

    @Override
    public String describe() {
      return "a mapping";
    }

    @Override
    public Object toJava() {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Entry e : entries.values()) {
        out.put(e.key(), plain(e.value().toJava()));
      }
      return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
      return "YamlMap@" + mark + entries.keySet();
    }
  }

  /** A list. */
  final class YamlSeq implements YamlNode {
    private final Mark mark;
    private final List<YamlNode> items;

    public YamlSeq(Mark mark, List<YamlNode> items) {
      this.mark = Objects.requireNonNull(mark, "mark");
      this.items = List.copyOf(items);
    }

    @Override
    public Mark mark() {
      return mark;
    }

    public List<YamlNode> items() {
      return items;
    }

    @Override
    public String describe() {
      return "a list";
    }

    @Override
    public Object toJava() {
      List<Object> out = new ArrayList<>(items.size());
      for (YamlNode item : items) {
        out.add(plain(item.toJava()));
      }
      return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
      return "YamlSeq@" + mark + "(" + items.size() + ")";
    }
  }

  /**
   * A scalar, resolved like PyYAML's safe loader (YAML 1.1): {@code yes} is a boolean, {@code 1e5}
   * is a string, an unquoted {@code 2020-09-02T00:00:00Z} is a timestamp.
   *
   * @param text the scalar as written (without quotes)
   * @param value String, Boolean, Long, BigInteger, Double, {@link YamlTimestamp}, or null
   */
  record YamlScalar(Mark mark, ScalarKind kind, String text, Object value) implements YamlNode {
    public YamlScalar {
      Objects.requireNonNull(mark, "mark");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
    }

    public boolean isNull() {
      return kind == ScalarKind.NULL;
    }

    @Override
    public String describe() {
      return kind.describe();
    }

    @Override
    public Object toJava() {
      return value;
    }
  }

  /** An unquoted YAML timestamp: PyYAML turns it into a datetime, not a string. */
  record YamlTimestamp(String text) {
    @Override
    public String toString() {
      return text;
    }
  }
}
