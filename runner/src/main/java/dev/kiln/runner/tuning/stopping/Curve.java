package dev.kiln.runner.tuning.stopping;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The intermediate objective values of one trial, by step (steps increase; a step may be any
 * positive number, such as the training step or the epoch the value was reported at).
 */
public record Curve(int trial, List<Point> points, boolean finished) {
  /** One reported value. */
  public record Point(long step, double value) {}

  public Curve {
    Objects.requireNonNull(points, "points");
    points = List.copyOf(points);
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).step() <= points.get(i - 1).step()) {
        throw new IllegalArgumentException(
            "trial " + trial + ": steps must increase; step " + points.get(i).step()
                + " follows step " + points.get(i - 1).step());
      }
    }
  }

  /** A curve from values reported at steps 1, 2, 3... */
  public static Curve ofValues(int trial, boolean finished, double... values) {
    List<Point> p = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      p.add(new Point(i + 1, values[i]));
    }
    return new Curve(trial, p, finished);
  }

  public long lastStep() {
    return points.isEmpty() ? 0 : points.get(points.size() - 1).step();
  }

  /** The best value reported up to and including {@code step}. */
  public OptionalDouble bestUpTo(long step, boolean maximize) {
    OptionalDouble best = OptionalDouble.empty();
    for (Point p : points) {
      if (p.step() > step) {
        break;
      }
      if (best.isEmpty() || (maximize ? p.value() > best.getAsDouble() : p.value() < best.getAsDouble())) {
        best = OptionalDouble.of(p.value());
      }
    }
    return best;
  }

  /** The mean of the values reported up to and including {@code step}. */
  public OptionalDouble runningAverageUpTo(long step) {
    double sum = 0;
    int n = 0;
    for (Point p : points) {
      if (p.step() > step) {
        break;
      }
      sum += p.value();
      n++;
    }
    return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
  }

  /** The last value reported at or before {@code step}. */
  public OptionalDouble valueAt(long step) {
    OptionalDouble v = OptionalDouble.empty();
    for (Point p : points) {
      if (p.step() > step) {
        break;
      }
      v = OptionalDouble.of(p.value());
    }
    return v;
  }
}
