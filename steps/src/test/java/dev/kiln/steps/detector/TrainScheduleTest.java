package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

class TrainScheduleTest {
  @Test
  void warmsUpLinearlyThenDecaysByCosine() {
    Tracker t = TrainFunction.schedule(0.01f, 10, 110, () -> 0);
    assertThat(t.getNewValue(0)).isCloseTo(0.001f, within(1e-7f));
    assertThat(t.getNewValue(5)).isCloseTo(0.0055f, within(1e-7f));
    assertThat(t.getNewValue(10)).isCloseTo(0.01f, within(1e-7f));
    // half way through the decay: lr * (0.05 + 0.95 / 2)
    assertThat(t.getNewValue(60)).isCloseTo(0.00525f, within(1e-6f));
    assertThat(t.getNewValue(110)).isCloseTo(0.0005f, within(1e-7f));
    assertThat(t.getNewValue(500)).isCloseTo(0.0005f, within(1e-7f));
  }

  @Test
  void followsTheClockWhenTheTimeLimitIsAhead() {
    double[] used = {0.5};
    Tracker t = TrainFunction.schedule(0.01f, 10, 100_000, () -> used[0]);
    assertThat(t.getNewValue(20)).isCloseTo(0.00525f, within(1e-6f));
    used[0] = 1.2;
    assertThat(t.getNewValue(21)).isCloseTo(0.0005f, within(1e-7f));
    // warm-up is by steps whatever the clock says
    assertThat(t.getNewValue(0)).isCloseTo(0.001f, within(1e-7f));
  }
}
