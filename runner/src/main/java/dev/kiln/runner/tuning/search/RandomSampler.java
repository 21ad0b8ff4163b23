package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Uniform sampling in each dimension's scaled space (so log-uniform on a LOG scale); CATEGORICAL and
 * DISCRETE pick one of their values with equal chance. Trial n draws from its own stream seeded by
 * (seed, n), so it does not matter which trials ran before or in which order they finished.
 */
public final class RandomSampler implements Sampler {
  private final long seed;

  public RandomSampler(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  @Override
  public Optional<Map<String, Object>> suggest(
      int trialNumber, List<Dimension> space, List<Trial> history, Goal goal) {
    Dimension.checkSpace(space);
    return Optional.of(sample(Seeds.stream(seed, trialNumber, 0), space));
  }

  static Map<String, Object> sample(SplittableRandom rng, List<Dimension> space) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Dimension d : space) {
      out.put(d.name(), d.fromScaled(draw(rng, d)));
    }
    return out;
  }

  /** One uniform coordinate in d's scaled space (an index for CATEGORICAL and DISCRETE). */
  static double draw(SplittableRandom rng, Dimension d) {
    if (d.kind() == Dimension.Kind.CATEGORICAL || d.kind() == Dimension.Kind.DISCRETE) {
      return rng.nextInt(d.values().size());
    }
    return d.low() + (d.high() - d.low()) * rng.nextDouble();
  }
}
