package dev.kiln.pipelines.validation;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where in a project a problem is, in the user's terms: a top-level item by kind and name, then
 * the keys and list indices below it, as written in valohai.yaml.
 *
 * <p>The {@link #key()} form ({@code pipeline:train/edges/2/target}; {@code step:x#2} for the
 * second top-level item of that kind and name) is what loaders index source locations by; {@link
 * #toString()} is what users read ({@code pipeline "train" › edges[2].target}).
 */
public record ModelPath(String kind, String name, int occurrence, List<String> segments) {
  private static final Pattern INDEX = Pattern.compile("\\d+");
  private static final String CLI = "cli";

  public ModelPath {
    checkArgument(kind != null && !kind.isEmpty(), "kind");
    checkArgument(name != null, "name");
    checkArgument(occurrence >= 1, "occurrence starts at 1");
    segments = List.copyOf(segments);
  }

  public static ModelPath step(String name) {
    return new ModelPath("step", name, 1, List.of());
  }

  public static ModelPath pipeline(String name) {
    return new ModelPath("pipeline", name, 1, List.of());
  }

  public static ModelPath task(String name) {
    return new ModelPath("task", name, 1, List.of());
  }

  public static ModelPath endpoint(String name) {
    return new ModelPath("endpoint", name, 1, List.of());
  }

  /** A problem with a command-line option rather than a definition; shown as the option itself. */
  public static ModelPath cli(String option) {
    return new ModelPath(CLI, option, 1, List.of());
  }

  /** The n-th (1-based) top-level item of this kind with this name. */
  public ModelPath occurrence(int n) {
    return new ModelPath(kind, name, n, segments);
  }

  /** A key below this path. */
  public ModelPath field(String key) {
    checkArgument(!INDEX.matcher(key).matches(), "a key cannot be a number: %s", key);
    List<String> s = new ArrayList<>(segments);
    s.add(key);
    return new ModelPath(kind, name, occurrence, s);
  }

  /** A list index (0-based) below this path. */
  public ModelPath index(int i) {
    checkArgument(i >= 0, "index");
    List<String> s = new ArrayList<>(segments);
    s.add(Integer.toString(i));
    return new ModelPath(kind, name, occurrence, s);
  }

  /** The path one level up; the top-level item itself stays. */
  public ModelPath parent() {
    if (segments.isEmpty()) {
      return this;
    }
    return new ModelPath(kind, name, occurrence, segments.subList(0, segments.size() - 1));
  }

  /** The key loaders index locations by. */
  public String key() {
    StringBuilder sb = new StringBuilder(kind).append(':').append(name);
    if (occurrence > 1) {
      sb.append('#').append(occurrence);
    }
    for (String s : segments) {
      sb.append('/').append(s);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    if (kind.equals(CLI)) {
      return name;
    }
    StringBuilder sb = new StringBuilder(kind).append(" \"").append(name).append('"');
    if (occurrence > 1) {
      sb.append(" (#").append(occurrence).append(')');
    }
    if (segments.isEmpty()) {
      return sb.toString();
    }
    sb.append(" › ");
    boolean first = true;
    for (String s : segments) {
      if (INDEX.matcher(s).matches()) {
        sb.append('[').append(s).append(']');
      } else {
        if (!first) {
          sb.append('.');
        }
        sb.append(s);
      }
      first = false;
    }
    return sb.toString();
  }
}
