package dev.kiln.steps.labels;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The classes of a dataset in label order: class {@code i} (0-based in the list) has label id
 * {@code i + 1}, because the TensorFlow Object Detection API reserves 0 for background. This is the
 * content of {@code classes.txt}, one name per line.
 */
public final class ClassList implements Serializable {
  private final List<String> names;
  private final Map<String, Integer> ids;

  private ClassList(List<String> names) {
    this.names = List.copyOf(names);
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < this.names.size(); i++) {
      String n = this.names.get(i);
      checkArgument(
          !n.isBlank() && n.equals(n.strip()) && !n.contains("\n"), "bad class name \"%s\"", n);
      Integer prev = m.put(n, i + 1);
      checkArgument(prev == null, "duplicate class \"%s\" (ids %s and %s)", n, prev, i + 1);
    }
    this.ids = Map.copyOf(m);
  }

  /** From names in label order. */
  public static ClassList of(List<String> names) {
    return new ClassList(names);
  }

  /**
   * The class list for a dataset: the source's declared classes in their order when it has them
   * (COCO categories, {@code classes.txt}, a class map), otherwise every class used, sorted by name
   * so that the ids do not depend on file order.
   */
  public static ClassList build(List<String> declared, Collection<LabeledImage> images) {
    if (!declared.isEmpty()) {
      return new ClassList(declared);
    }
    TreeSet<String> used = new TreeSet<>();
    for (LabeledImage img : images) {
      img.label().ifPresent(used::add);
      for (BoxAnnotation b : img.boxes()) {
        used.add(b.className());
      }
    }
    return new ClassList(List.copyOf(used));
  }

  /** Reads a {@code classes.txt}; blank lines are skipped. */
  public static ClassList read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String n = lines.get(i).strip();
      if (n.isEmpty()) {
        continue;
      }
      if (names.contains(n)) {
        throw new LabelFormatException(
            file.getFileName().toString(), i + 1, 1, "", "duplicate class name \"" + n + "\"");
      }
      names.add(n);
    }
    return new ClassList(names);
  }

  /** Writes {@code classes.txt}: one name per line, in label order. */
  public void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String n : names) {
      sb.append(n).append('\n');
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  /**
   * Writes a TensorFlow Object Detection API label map ({@code label_map.pbtxt}) with the same ids.
   */
  public void writeLabelMap(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      String escaped = names.get(i).replace("\\", "\\\\").replace("'", "\\'");
      sb.append("item {\n  id: ")
          .append(i + 1)
          .append("\n  name: '")
          .append(escaped)
          .append("'\n}\n");
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  /** Names in label order. */
  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  /** The label id (from 1) of a class, if known. */
  public OptionalInt id(String name) {
    Integer i = ids.get(name);
    return i == null ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /** The name of label id {@code id} (from 1). */
  public String name(int id) {
    checkArgument(
        id >= 1 && id <= names.size(), "label id %s out of range 1..%s", id, names.size());
    return names.get(id - 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassList other && other.names.equals(names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return "ClassList" + names;
  }
}
