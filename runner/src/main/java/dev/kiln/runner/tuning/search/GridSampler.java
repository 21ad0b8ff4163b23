package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cartesian product of the dimensions' values, in odometer order: the first dimension varies
 * slowest and the last fastest, as nested loops over the declared order (Python's
 * itertools.product). INTEGER contributes every integer from min to max, CATEGORICAL and DISCRETE
 * their values in the order given; DOUBLE has no grid and is refused, as AI Platform does. Trial n
 * takes point n-1; past the last point the grid is done and {@link #suggest} is empty.
 */
public final class GridSampler implements Sampler {

  /** Number of points in the grid of {@code space}. */
  public static long size(List<Dimension> space) {
    Dimension.checkSpace(space);
    long size = 1;
    for (Dimension d : space) {
      try {
        size = Math.multiplyExact(size, count(d));
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("the grid has more than " + Long.MAX_VALUE + " points", e);
      }
    }
    return size;
  }

  @Override
  public Optional<Map<String, Object>> suggest(
      int trialNumber, List<Dimension> space, List<Trial> history, Goal goal) {
    long size = size(space);
    long index = trialNumber - 1L;
    if (index < 0 || index >= size) {
      return Optional.empty();
    }
    List<Object> picked = new ArrayList<>();
    for (int i = space.size() - 1; i >= 0; i--) {
      Dimension d = space.get(i);
      long c = count(d);
      picked.add(0, valueAt(d, index % c));
      index /= c;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < space.size(); i++) {
      out.put(space.get(i).name(), picked.get(i));
    }
    return Optional.of(out);
  }

  private static long count(Dimension d) {
    return switch (d.kind()) {
      case DOUBLE -> throw new IllegalArgumentException(
          "parameter \""
              + d.name()
              + "\": grid search needs INTEGER, CATEGORICAL or DISCRETE parameters, not DOUBLE"
              + " (use discreteValues to list the points, or a random or Bayesian search)");
      case INTEGER -> (long) d.maxValue() - (long) d.minValue() + 1;
      case CATEGORICAL, DISCRETE -> d.values().size();
    };
  }

  private static Object valueAt(Dimension d, long i) {
    return d.kind() == Dimension.Kind.INTEGER ? (long) d.minValue() + i : d.values().get((int) i);
  }
}
