package dev.kiln.runner.tuning.search;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One searched parameter, with AI Platform's types and scales. Numeric dimensions are searched in
 * their scaled space ("u"): LINEAR u = x, LOG u = log x, REVERSE_LOG x = max + min - exp(u) with u
 * in [log min, log max] (dense near max, as Vizier defines it). INTEGER ranges are widened by half a
 * step on each side before scaling so that rounding gives each integer its share.
 *
 * @param name parameter name
 * @param kind type of the parameter
 * @param minValue lower bound for DOUBLE and INTEGER, NaN otherwise
 * @param maxValue upper bound for DOUBLE and INTEGER, NaN otherwise
 * @param scale scale of DOUBLE and INTEGER (LINEAR for the others)
 * @param values strings for CATEGORICAL, ascending Doubles for DISCRETE, empty otherwise
 */
public record Dimension(
    String name, Kind kind, double minValue, double maxValue, Scale scale, List<Object> values) {

  /** AI Platform's parameter types. */
  public enum Kind {
    DOUBLE,
    INTEGER,
    CATEGORICAL,
    DISCRETE
  }

  /** AI Platform's UNIT_LINEAR_SCALE, UNIT_LOG_SCALE and UNIT_REVERSE_LOG_SCALE. */
  public enum Scale {
    LINEAR,
    LOG,
    REVERSE_LOG
  }

  public Dimension {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind of parameter " + name);
    scale = scale == null ? Scale.LINEAR : scale;
    String p = "parameter \"" + name + "\": ";
    switch (kind) {
      case DOUBLE, INTEGER -> {
        if (Double.isNaN(minValue) || Double.isNaN(maxValue)) {
          throw new IllegalArgumentException(p + kind + " needs minValue and maxValue");
        }
        if (!(minValue < maxValue)) {
          throw new IllegalArgumentException(
              p + "minValue (" + minValue + ") must be less than maxValue (" + maxValue + ")");
        }
        if (kind == Kind.INTEGER && (minValue != Math.rint(minValue) || maxValue != Math.rint(maxValue))) {
          throw new IllegalArgumentException(
              p + "INTEGER bounds must be whole numbers, got [" + minValue + ", " + maxValue + "]");
        }
        if (scale != Scale.LINEAR && minValue <= 0) {
          throw new IllegalArgumentException(
              p + scale + " scale needs minValue > 0, got " + minValue);
        }
        values = List.of();
      }
      case CATEGORICAL -> {
        if (values == null || values.isEmpty()) {
          throw new IllegalArgumentException(p + "CATEGORICAL needs at least one categoricalValue");
        }
        Set<String> seen = new HashSet<>();
        List<Object> copy = new ArrayList<>();
        for (Object v : values) {
          String s = String.valueOf(v);
          if (!seen.add(s)) {
            throw new IllegalArgumentException(p + "categoricalValues repeat \"" + s + "\"");
          }
          copy.add(s);
        }
        values = List.copyOf(copy);
        minValue = Double.NaN;
        maxValue = Double.NaN;
        scale = Scale.LINEAR;
      }
      case DISCRETE -> {
        if (values == null || values.isEmpty()) {
          throw new IllegalArgumentException(p + "DISCRETE needs at least one discreteValue");
        }
        List<Object> copy = new ArrayList<>();
        double prev = Double.NEGATIVE_INFINITY;
        for (Object v : values) {
          if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
            throw new IllegalArgumentException(p + "discreteValues must be numbers, got " + v);
          }
          double d = n.doubleValue();
          if (!(d > prev)) {
            throw new IllegalArgumentException(
                p + "discreteValues must be sorted ascending without repeats, got " + values);
          }
          prev = d;
          copy.add(d);
        }
        values = List.copyOf(copy);
        minValue = Double.NaN;
        maxValue = Double.NaN;
        scale = Scale.LINEAR;
      }
      default -> throw new AssertionError(kind);
    }
  }

  public static Dimension ofDouble(String name, double min, double max, Scale scale) {
    return new Dimension(name, Kind.DOUBLE, min, max, scale, List.of());
  }

  public static Dimension ofInteger(String name, long min, long max, Scale scale) {
    return new Dimension(name, Kind.INTEGER, min, max, scale, List.of());
  }

  public static Dimension categorical(String name, List<String> values) {
    return new Dimension(name, Kind.CATEGORICAL, Double.NaN, Double.NaN, Scale.LINEAR, List.copyOf(values));
  }

  public static Dimension discrete(String name, List<Double> values) {
    return new Dimension(name, Kind.DISCRETE, Double.NaN, Double.NaN, Scale.LINEAR, List.copyOf(values));
  }

  /** Checks a whole space: at least one dimension, names unique. */
  static void checkSpace(List<Dimension> space) {
    if (space.isEmpty()) {
      throw new IllegalArgumentException("the search space has no parameters");
    }
    Set<String> names = new HashSet<>();
    for (Dimension d : space) {
      if (!names.add(d.name())) {
        throw new IllegalArgumentException("parameter \"" + d.name() + "\" is declared twice");
      }
    }
  }

  // ---- the scaled space, package-private for the samplers ----

  /** Whether the dimension is unordered (searched by index with counts, not kernels). */
  boolean isCategorical() {
    return kind == Kind.CATEGORICAL;
  }

  int choices() {
    return values.size();
  }

  private double a() {
    return kind == Kind.INTEGER ? minValue - 0.5 : minValue;
  }

  private double b() {
    return kind == Kind.INTEGER ? maxValue + 0.5 : maxValue;
  }

  /** Lower end of the scaled space (DOUBLE, INTEGER, DISCRETE). */
  double low() {
    if (kind == Kind.DISCRETE) {
      return -0.5;
    }
    return scale == Scale.LINEAR ? a() : Math.log(a());
  }

  /** Upper end of the scaled space (DOUBLE, INTEGER, DISCRETE). */
  double high() {
    if (kind == Kind.DISCRETE) {
      return values.size() - 0.5;
    }
    return scale == Scale.LINEAR ? b() : Math.log(b());
  }

  /** The parameter value at scaled coordinate u (an index for CATEGORICAL). */
  Object fromScaled(double u) {
    switch (kind) {
      case CATEGORICAL:
        return values.get(clampIndex(u));
      case DISCRETE:
        return values.get(clampIndex(u));
      default:
        double x =
            switch (scale) {
              case LINEAR -> u;
              case LOG -> Math.exp(u);
              case REVERSE_LOG -> a() + b() - Math.exp(u);
            };
        if (kind == Kind.INTEGER) {
          return (long) Math.max(minValue, Math.min(maxValue, Math.rint(x)));
        }
        return Math.max(minValue, Math.min(maxValue, x));
    }
  }

  /** The scaled coordinate of a value from the history, NaN if it is not in this dimension. */
  double toScaled(Object value) {
    if (value == null) {
      return Double.NaN;
    }
    if (kind == Kind.CATEGORICAL) {
      int i = values.indexOf(String.valueOf(value));
      return i < 0 ? Double.NaN : i;
    }
    if (!(value instanceof Number n)) {
      return Double.NaN;
    }
    double x = n.doubleValue();
    if (kind == Kind.DISCRETE) {
      for (int i = 0; i < values.size(); i++) {
        double v = (Double) values.get(i);
        if (Math.abs(v - x) <= 1e-9 * Math.max(1, Math.abs(v))) {
          return i;
        }
      }
      return Double.NaN;
    }
    double tol = 1e-9 * (maxValue - minValue);
    if (x < minValue - tol || x > maxValue + tol) {
      return Double.NaN;
    }
    x = Math.max(minValue, Math.min(maxValue, x));
    return switch (scale) {
      case LINEAR -> x;
      case LOG -> Math.log(x);
      case REVERSE_LOG -> Math.log(a() + b() - x);
    };
  }

  /**
   * For INTEGER and DISCRETE, the scaled interval [lo, hi] of the value at u (whose probability
   * mass a kernel gives it, as Optuna's discrete truncated normals); null for the others.
   */
  double[] bin(double u) {
    if (kind == Kind.DISCRETE) {
      int i = clampIndex(u);
      return new double[] {i - 0.5, i + 0.5};
    }
    if (kind != Kind.INTEGER) {
      return null;
    }
    double k = ((Long) fromScaled(u)).doubleValue();
    return switch (scale) {
      case LINEAR -> new double[] {k - 0.5, k + 0.5};
      case LOG -> new double[] {Math.log(k - 0.5), Math.log(k + 0.5)};
      case REVERSE_LOG -> new double[] {Math.log(a() + b() - k - 0.5), Math.log(a() + b() - k + 0.5)};
    };
  }

  private int clampIndex(double u) {
    return (int) Math.max(0, Math.min(values.size() - 1, Math.rint(u)));
  }
}
