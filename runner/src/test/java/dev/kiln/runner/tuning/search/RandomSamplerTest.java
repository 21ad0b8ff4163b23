package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.kiln.runner.tuning.search.Dimension.Scale;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomSamplerTest {
  private final List<Dimension> space =
      List.of(
          Dimension.ofDouble("lr", 1e-4, 1.0, Scale.LOG),
          Dimension.ofInteger("units", 8, 64, Scale.LINEAR),
          Dimension.categorical("opt", List.of("adam", "sgd")),
          Dimension.discrete("batch", List.of(16.0, 32.0, 64.0)));

  @Test
  void sameSeedAndTrialSameSuggestionWhateverTheHistory() {
    Map<String, Object> a = new RandomSampler(7).suggest(5, space, List.of(), Goal.MINIMIZE).orElseThrow();
    List<Trial> history = List.of(Trial.succeeded(1, Map.of("lr", 0.1), 3.0));
    Map<String, Object> b = new RandomSampler(7).suggest(5, space, history, Goal.MAXIMIZE).orElseThrow();
    Map<String, Object> c = new RandomSampler(8).suggest(5, space, List.of(), Goal.MINIMIZE).orElseThrow();
    Map<String, Object> d = new RandomSampler(7).suggest(6, space, List.of(), Goal.MINIMIZE).orElseThrow();
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(d).isNotEqualTo(a);
  }

  @Test
  void staysInBoundsAndIsLogUniform() {
    RandomSampler r = new RandomSampler(42);
    List<Double> lrs = new ArrayList<>();
    Set<Object> units = new HashSet<>();
    Set<Object> opts = new HashSet<>();
    Set<Object> batches = new HashSet<>();
    for (int n = 1; n <= 4000; n++) {
      Map<String, Object> p = r.suggest(n, space, List.of(), Goal.MINIMIZE).orElseThrow();
      double lr = (Double) p.get("lr");
      assertThat(lr).isBetween(1e-4, 1.0);
      long u = (Long) p.get("units");
      assertThat(u).isBetween(8L, 64L);
      lrs.add(lr);
      units.add(u);
      opts.add(p.get("opt"));
      batches.add(p.get("batch"));
    }
    lrs.sort(null);
    double median = lrs.get(lrs.size() / 2);
    // log-uniform on [1e-4, 1]: the median is the geometric mean 1e-2 (linear would give ~0.5)
    assertThat(Math.log10(median)).isCloseTo(-2.0, offset(0.1));
    assertThat(units).hasSize(57); // every integer from 8 to 64, the ends included
    assertThat(opts).containsExactlyInAnyOrder("adam", "sgd");
    assertThat(batches).containsExactlyInAnyOrder(16.0, 32.0, 64.0);
  }

  @Test
  void reverseLogIsDenseNearMax() {
    List<Dimension> s = List.of(Dimension.ofDouble("m", 1e-3, 1.0, Scale.REVERSE_LOG));
    RandomSampler r = new RandomSampler(3);
    List<Double> xs = new ArrayList<>();
    for (int n = 1; n <= 2000; n++) {
      xs.add((Double) r.suggest(n, s, List.of(), Goal.MINIMIZE).orElseThrow().get("m"));
    }
    xs.sort(null);
    // median of max + min - exp(U(log min, log max)) is 1.001 - sqrt(1e-3) = 0.9694
    assertThat(xs.get(1000)).isCloseTo(1.001 - Math.sqrt(1e-3), offset(0.01));
    assertThat(xs.get(0)).isGreaterThanOrEqualTo(1e-3);
    assertThat(xs.get(1999)).isLessThanOrEqualTo(1.0);
  }
}
