package dev.kiln.runner.tuning.search;

import java.util.SplittableRandom;

/** Per-trial random streams, so a suggestion depends only on (seed, trial number). */
final class Seeds {
  private Seeds() {}

  /** SplitMix64's finalizer: spreads neighbouring trial numbers over the whole long range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static SplittableRandom stream(long seed, int trialNumber, long salt) {
    return new SplittableRandom(seed ^ mix(trialNumber + salt * 0x9E3779B97F4A7C15L));
  }
}
