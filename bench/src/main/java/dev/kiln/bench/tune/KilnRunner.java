package dev.kiln.bench.tune;

import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.runner.tuning.search.Dimension;
import dev.kiln.runner.tuning.search.Sampler;
import dev.kiln.runner.tuning.search.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs one of Kiln's samplers on a problem, one trial after another, as a tuning job would. */
final class KilnRunner {
  private KilnRunner() {}

  /**
   * Runs {@code trials} sequential trials; when {@code suggestNanos} is not null it receives the
   * time of each {@link Sampler#suggest} call (index 0 is trial 1).
   */
  static SeedRun run(Sampler sampler, Problem problem, long seed, int trials, long[] suggestNanos) {
    List<Dimension> space = problem.space();
    List<Trial> history = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    double[] observed = new double[trials];
    double[] noiseless = new double[trials];
    for (int n = 1; n <= trials; n++) {
      long t0 = System.nanoTime();
      Map<String, Object> params =
          sampler
              .suggest(n, space, history, Goal.MINIMIZE)
              .orElseThrow(() -> new IllegalStateException("the sampler ran out of suggestions"));
      long t1 = System.nanoTime();
      if (suggestNanos != null) {
        suggestNanos[n - 1] = t1 - t0;
      }
      double[] x = new double[space.size()];
      for (int d = 0; d < x.length; d++) {
        x[d] = ((Number) params.get(space.get(d).name())).doubleValue();
      }
      double v = problem.observed(x, seed, n);
      history.add(Trial.succeeded(n, params, v));
      xs.add(x);
      observed[n - 1] = v;
      noiseless[n - 1] = problem.value(x);
    }
    return new SeedRun(seed, xs, observed, noiseless);
  }
}
