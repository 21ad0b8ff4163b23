package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.TuningSpec;

/** The sampler a tuning spec asks for. */
public final class Samplers {
  private Samplers() {}

  /**
   * @param seed the job's seed; a resumed job passes the same one, so that it suggests what the
   *     killed job would have
   */
  public static Sampler of(TuningSpec spec, long seed) {
    switch (spec.algorithm()) {
      case GRID_SEARCH:
        return new GridSampler();
      case RANDOM_SEARCH:
        return new RandomSampler(seed);
      case MANUAL_SEARCH:
        return new ManualSampler(spec.manualTrials());
      case BAYESIAN_TPE:
      default:
        return new TpeSampler(seed);
    }
  }
}
