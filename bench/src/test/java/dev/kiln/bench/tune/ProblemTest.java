package dev.kiln.bench.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The test functions have their published minima at their published points. */
class ProblemTest {
  @Test
  void braninHasItsThreeGlobalMinima() {
    double[][] minima = {{-Math.PI, 12.275}, {Math.PI, 2.275}, {9.42478, 2.475}};
    for (double[] x : minima) {
      assertThat(Problem.BRANIN.value(x)).isCloseTo(0.397887, within(1e-6));
      assertThat(Problem.BRANIN.value(x)).isGreaterThanOrEqualTo(Problem.BRANIN.globalMin() - 1e-12);
    }
    assertThat(Problem.BRANIN.globalMin()).isCloseTo(0.397887, within(1e-6));
    // A corner of the box, far from the minima: Branin(-5, 0) = 308.129...
    assertThat(Problem.BRANIN.value(new double[] {-5, 0})).isCloseTo(308.1291, within(1e-3));
  }

  @Test
  void hartmann6HasItsGlobalMinimum() {
    double[] x = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
    assertThat(Problem.HARTMANN6.value(x)).isCloseTo(-3.32237, within(1e-5));
    assertThat(Problem.HARTMANN6.globalMin()).isCloseTo(-3.32237, within(1e-5));
    // Nothing on a coarse grid of the box is lower than the global minimum.
    double lowest = Double.POSITIVE_INFINITY;
    double[] y = new double[6];
    for (int i = 0; i < 1 << 12; i++) {
      for (int d = 0; d < 6; d++) {
        y[d] = ((i >> (2 * d)) & 3) / 3.0;
      }
      lowest = Math.min(lowest, Problem.HARTMANN6.value(y));
    }
    assertThat(lowest).isGreaterThan(Problem.HARTMANN6.globalMin());
  }

  @Test
  void noisyBraninAddsTheSameNoiseForTheSameSeedAndTrial() {
    double[] x = {Math.PI, 2.275};
    double a = Problem.NOISY_BRANIN.observed(x, 7, 3);
    assertThat(Problem.NOISY_BRANIN.observed(x, 7, 3)).isEqualTo(a);
    assertThat(Problem.NOISY_BRANIN.observed(x, 7, 4)).isNotEqualTo(a);
    assertThat(Problem.NOISY_BRANIN.value(x)).isEqualTo(Problem.BRANIN.value(x));
    assertThat(Problem.BRANIN.observed(x, 7, 3)).isEqualTo(Problem.BRANIN.value(x));
  }

  @Test
  void theNoiseIsStandardNormal() {
    int n = 20_000;
    double sum = 0;
    double sq = 0;
    int within1 = 0;
    for (int i = 1; i <= n; i++) {
      double z = Noise.gaussian(i % 97, i);
      sum += z;
      sq += z * z;
      within1 += Math.abs(z) < 1 ? 1 : 0;
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(0, within(0.03));
    assertThat(sq / n - mean * mean).isCloseTo(1, within(0.04));
    assertThat(within1 / (double) n).isCloseTo(0.6827, within(0.015));
  }

  @Test
  void unknownProblemNamesTheKnownOnes() {
    assertThatThrownBy(() -> Problem.byCliName("branim"))
        .hasMessage("unknown problem \"branim\" (known: branin, hartmann6, noisy-branin)");
    assertThat(Problem.byCliName("noisy-branin")).isEqualTo(Problem.NOISY_BRANIN);
  }
}
