package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.runner.tuning.search.Dimension.Scale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class TpeSamplerTest {
  private static final List<Dimension> BRANIN =
      List.of(
          Dimension.ofDouble("x1", -5, 10, Scale.LINEAR), Dimension.ofDouble("x2", 0, 15, Scale.LINEAR));
  private static final double BRANIN_MIN = 0.397887;

  static double branin(Map<String, Object> p) {
    double x1 = (Double) p.get("x1");
    double x2 = (Double) p.get("x2");
    double b = 5.1 / (4 * Math.PI * Math.PI);
    double c = 5 / Math.PI;
    double t = 1 / (8 * Math.PI);
    double y = x2 - b * x1 * x1 + c * x1 - 6;
    return y * y + 10 * (1 - t) * Math.cos(x1) + 10;
  }

  /** Runs a sequential minimization and returns the best value after {@code trials}. */
  static double bestAfter(Sampler s, int trials) {
    List<Trial> history = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    for (int n = 1; n <= trials; n++) {
      Map<String, Object> p = s.suggest(n, BRANIN, history, Goal.MINIMIZE).orElseThrow();
      double v = branin(p);
      best = Math.min(best, v);
      history.add(Trial.succeeded(n, p, v));
    }
    return best;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return 0.5 * (s[(s.length - 1) / 2] + s[s.length / 2]);
  }

  @Test
  void beatsRandomSearchOnBranin() {
    double[] tpe = new double[10];
    double[] uni = new double[10];
    double[] rnd = new double[10];
    for (int seed = 0; seed < 10; seed++) {
      tpe[seed] = bestAfter(new TpeSampler(seed), 60);
      uni[seed] = bestAfter(new TpeSampler(seed, 10, 24, false), 60);
      rnd[seed] = bestAfter(new RandomSampler(seed), 60);
    }
    double tpeRegret = median(tpe) - BRANIN_MIN;
    double uniRegret = median(uni) - BRANIN_MIN;
    double rndRegret = median(rnd) - BRANIN_MIN;
    System.out.printf(
        "Branin, 60 trials, median best over 10 seeds: TPE %.4f, univariate TPE %.4f, random %.4f%n",
        median(tpe), median(uni), median(rnd));
    assertThat(Arrays.stream(tpe).min().orElseThrow()).isGreaterThanOrEqualTo(BRANIN_MIN - 1e-6);
    assertThat(tpeRegret).isLessThan(rndRegret / 3);
    assertThat(uniRegret).isLessThan(rndRegret / 2);
  }

  @Test
  void deterministicForSeedAndHistory() {
    List<Trial> history = new ArrayList<>();
    RandomSampler warm = new RandomSampler(1);
    for (int n = 1; n <= 15; n++) {
      Map<String, Object> p = warm.suggest(n, BRANIN, history, Goal.MINIMIZE).orElseThrow();
      history.add(Trial.succeeded(n, p, branin(p)));
    }
    List<Trial> shuffled = new ArrayList<>(history);
    java.util.Collections.reverse(shuffled);
    Map<String, Object> a = new TpeSampler(5).suggest(16, BRANIN, history, Goal.MINIMIZE).orElseThrow();
    Map<String, Object> b = new TpeSampler(5).suggest(16, BRANIN, shuffled, Goal.MINIMIZE).orElseThrow();
    Map<String, Object> c = new TpeSampler(6).suggest(16, BRANIN, history, Goal.MINIMIZE).orElseThrow();
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void startupIsRandomAndCountsOnlyTrialsWithValues() {
    List<Trial> history = new ArrayList<>();
    for (int n = 1; n <= 9; n++) {
      history.add(Trial.succeeded(n, Map.of("x1", 0.0, "x2", 1.0), 1.0));
    }
    history.add(new Trial(10, Map.of("x1", 0.0, "x2", 1.0), Trial.State.FAILED, OptionalDouble.empty()));
    history.add(new Trial(11, Map.of("x1", 0.0, "x2", 1.0), Trial.State.RUNNING, OptionalDouble.empty()));
    assertThat(new TpeSampler(3).suggest(12, BRANIN, history, Goal.MINIMIZE))
        .isEqualTo(new RandomSampler(3).suggest(12, BRANIN, history, Goal.MINIMIZE));
  }

  @Test
  void maximizeFollowsTheGoalWithCategoricalAndInteger() {
    List<Dimension> space =
        List.of(
            Dimension.categorical("opt", List.of("a", "b", "c", "d")),
            Dimension.ofInteger("k", 1, 100, Scale.LOG));
    TpeSampler tpe = new TpeSampler(11);
    List<Trial> history = new ArrayList<>();
    int late = 0;
    for (int n = 1; n <= 60; n++) {
      Map<String, Object> p = tpe.suggest(n, space, history, Goal.MAXIMIZE).orElseThrow();
      long k = (Long) p.get("k");
      assertThat(k).isBetween(1L, 100L);
      double v = ("c".equals(p.get("opt")) ? 1.0 : 0.0) - Math.abs(Math.log(k) - Math.log(10));
      if (n > 30 && "c".equals(p.get("opt"))) {
        late++;
      }
      history.add(new Trial(n, p, Trial.State.STOPPED_EARLY, OptionalDouble.of(v)));
    }
    // random would pick "c" a quarter of the time
    assertThat(late).isGreaterThan(15);
  }

  @Test
  void normalMassMatchesKnownValues() {
    assertThat(ParzenEstimator.mass(-1, 1)).isCloseTo(0.682689, org.assertj.core.data.Offset.offset(1e-6));
    // far in the upper tail a naive 1 - Phi difference would be 0
    assertThat(ParzenEstimator.mass(8, 9) / 6.219832e-16).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void gammaIsOptunasDefault() {
    assertThat(TpeSampler.gamma(10)).isEqualTo(1);
    assertThat(TpeSampler.gamma(11)).isEqualTo(2);
    assertThat(TpeSampler.gamma(300)).isEqualTo(25);
  }
}
