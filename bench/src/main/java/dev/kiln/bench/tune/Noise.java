package dev.kiln.bench.tune;

/**
 * Noise fixed by (seed, trial number), the same on the Java and the Python side (optuna_tune.py
 * has a copy), so every sampler of one seed sees the same noise at trial n and the Java side can
 * check the values Optuna's runs report.
 */
final class Noise {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Noise() {}

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A standard normal draw for trial {@code trial} (1-based) of seed {@code seed} (Box-Muller). */
  static double gaussian(long seed, int trial) {
    long base = seed * GOLDEN;
    long a = mix(base + 2L * trial);
    long b = mix(base + 2L * trial + 1);
    double u1 = ((a >>> 11) + 1) * 0x1.0p-53;
    double u2 = (b >>> 11) * 0x1.0p-53;
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
