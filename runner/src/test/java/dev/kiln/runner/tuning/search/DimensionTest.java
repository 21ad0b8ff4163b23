package dev.kiln.runner.tuning.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.runner.tuning.search.Dimension.Scale;
import java.util.List;
import org.junit.jupiter.api.Test;

class DimensionTest {

  @Test
  void rejectsBadRangesNamingTheParameter() {
    assertThatThrownBy(() -> Dimension.ofDouble("lr", 0.1, 0.01, Scale.LINEAR))
        .hasMessage("parameter \"lr\": minValue (0.1) must be less than maxValue (0.01)");
    assertThatThrownBy(() -> Dimension.ofDouble("lr", 0, 1, Scale.LOG))
        .hasMessage("parameter \"lr\": LOG scale needs minValue > 0, got 0.0");
    assertThatThrownBy(() -> Dimension.categorical("opt", List.of()))
        .hasMessage("parameter \"opt\": CATEGORICAL needs at least one categoricalValue");
    assertThatThrownBy(() -> Dimension.discrete("batch", List.of(32.0, 16.0)))
        .hasMessage(
            "parameter \"batch\": discreteValues must be sorted ascending without repeats, got [32.0, 16.0]");
    assertThatThrownBy(() -> Dimension.discrete("batch", List.of()))
        .hasMessage("parameter \"batch\": DISCRETE needs at least one discreteValue");
  }

  @Test
  void reverseLogIsDenseNearMaxAndRoundTrips() {
    Dimension d = Dimension.ofDouble("m", 0.01, 1.0, Scale.REVERSE_LOG);
    // u at the middle of [log min, log max]: x = max + min - sqrt(min * max)
    double mid = 0.5 * (d.low() + d.high());
    assertThat((Double) d.fromScaled(mid)).isCloseTo(1.01 - 0.1, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(d.toScaled(0.5)).isCloseTo(Math.log(0.51), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(d.toScaled(2.0)).isNaN();
  }
}
