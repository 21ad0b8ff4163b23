package dev.kiln.bench.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Median, 80th percentile, ratios and the regret of a run. */
class StatsTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Stats.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Stats.median(List.of(7.0))).isEqualTo(7.0);
  }

  @Test
  void p80InterpolatesAsNumpyDoes() {
    // numpy.percentile(range(1, 21), 80) == 16.2; numpy.percentile([1, 2, 3, 4], 80) == 3.4
    List<Double> twenty = new ArrayList<>();
    for (int i = 20; i >= 1; i--) {
      twenty.add((double) i);
    }
    assertThat(Stats.p80(twenty)).isCloseTo(16.2, within(1e-12));
    assertThat(Stats.p80(List.of(4.0, 3.0, 2.0, 1.0))).isCloseTo(3.4, within(1e-12));
    assertThat(Stats.quantile(twenty, 0)).isEqualTo(1.0);
    assertThat(Stats.quantile(twenty, 1)).isEqualTo(20.0);
    assertThatThrownBy(() -> Stats.median(List.of())).hasMessage("no values to take a quantile of");
  }

  @Test
  void ratioOfRegrets() {
    assertThat(Stats.ratio(1, 4)).isEqualTo(0.25);
    assertThat(Stats.ratio(0, 0)).isEqualTo(1.0);
    assertThat(Stats.ratio(0.5, 0)).isInfinite();
  }

  @Test
  void regretIsTheNoiselessValueOfTheBestObservedTrial() {
    // Trial 2 looks best (observed 1.0) but is really 3.0; trial 4 is really best but looks 2.0.
    SeedRun r =
        new SeedRun(
            1,
            List.of(new double[] {0}, new double[] {1}, new double[] {2}, new double[] {3}),
            new double[] {5.0, 1.0, 4.0, 2.0},
            new double[] {5.0, 3.0, 4.0, 0.5});
    assertThat(r.regretAfter(1, 0.5)).isEqualTo(4.5);
    assertThat(r.regretAfter(4, 0.5)).isEqualTo(2.5);
    assertThatThrownBy(() -> r.regretAfter(5, 0.5))
        .hasMessage("seed 1 ran 4 trials, asked for the best of 5");
  }

  @Test
  void targetsAreRatiosOfMedianRegrets() {
    TuneBenchCommand.Results res =
        new TuneBenchCommand.Results(List.of(Problem.BRANIN), List.of(20, 50));
    double m = Problem.BRANIN.globalMin();
    res.put(Problem.BRANIN, TuneBenchCommand.KILN_TPE, List.of(run(1, m, 0.3, 0.1), run(2, m, 0.5, 0.2)));
    res.put(Problem.BRANIN, TuneBenchCommand.KILN_RANDOM, List.of(run(1, m, 1, 1), run(2, m, 2, 0.2)));
    res.put(Problem.BRANIN, "optuna-tpe", List.of(run(1, m, 1, 0.1), run(2, m, 1, 0.1)));
    List<TuneBenchCommand.Results.Check> checks = res.checks();
    // Only the 50-trial checkpoint is judged: medians 0.15 (Kiln TPE), 0.1 (Optuna), 0.6 (random).
    assertThat(checks).hasSize(2);
    assertThat(checks.get(0).against()).isEqualTo("optuna-tpe");
    assertThat(checks.get(0).ratio()).isCloseTo(1.5, within(1e-9));
    assertThat(checks.get(0).pass()).isFalse();
    assertThat(checks.get(1).against()).isEqualTo(TuneBenchCommand.KILN_RANDOM);
    assertThat(checks.get(1).ratio()).isCloseTo(0.25, within(1e-9));
    assertThat(checks.get(1).pass()).isTrue();
  }

  /** A 50-trial run whose regret is r20 after 20 trials and r50 after 50. */
  private static SeedRun run(long seed, double min, double r20, double r50) {
    List<double[]> xs = new ArrayList<>();
    double[] v = new double[50];
    for (int i = 0; i < 50; i++) {
      xs.add(new double[] {i});
      v[i] = min + (i < 20 ? r20 + (20 - i) : i == 20 ? r50 : r50 + 1);
    }
    v[19] = min + r20;
    return new SeedRun(seed, xs, v, v);
  }
}
