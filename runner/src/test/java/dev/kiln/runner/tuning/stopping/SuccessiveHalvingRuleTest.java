package dev.kiln.runner.tuning.stopping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuccessiveHalvingRuleTest {
  private final SuccessiveHalvingRule rule = new SuccessiveHalvingRule(1, 2);

  @Test
  void rungsAreAtMinStepsTimesPowersOfTheReductionFactor() {
    assertThat(rule.rungAt(0)).isEqualTo(-1);
    assertThat(rule.rungAt(1)).isZero();
    assertThat(rule.rungAt(3)).isEqualTo(1);
    assertThat(rule.rungAt(4)).isEqualTo(2);
    assertThat(rule.stepOfRung(3)).isEqualTo(8);
    assertThat(new SuccessiveHalvingRule(5, 3).stepOfRung(2)).isEqualTo(45);
  }

  @Test
  void theFirstTrialAtARungGoesOnAndLaterOnesMustBeInTheBestShare() {
    assertThat(rule.shouldStop(Curve.ofValues(1, false, 0.1), List.of(), true)).isEmpty();
    List<Curve> others =
        List.of(
            Curve.ofValues(1, false, 0.9, 0.9),
            Curve.ofValues(2, false, 0.8, 0.8),
            Curve.ofValues(3, false, 0.7, 0.7));
    // Rung 1 (step 2): values 0.9, 0.8, 0.7 and mine; four values, the best half goes on.
    assertThat(rule.shouldStop(Curve.ofValues(4, false, 0.95, 0.85), others, true)).isEmpty();
    assertThat(rule.shouldStop(Curve.ofValues(4, false, 0.95, 0.75), others, true))
        .hasValueSatisfying(why -> assertThat(why).contains("rung 1 (step 2)"));
    // Minimising flips it.
    assertThat(rule.shouldStop(Curve.ofValues(4, false, 0.5, 0.6), others, false)).isEmpty();
    // Between rungs the decision of the last rung reached stands.
    assertThat(rule.shouldStop(Curve.ofValues(4, false, 0.95, 0.85, 0.0), others, true)).isEmpty();
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new SuccessiveHalvingRule(1, 1))
        .hasMessage("reductionFactor must be at least 2; got 1");
  }

  @Test
  void onSimulatedCurvesItSavesStepsAndKeepsAGoodTrial() {
    double[][] curves = LearningCurveSimulation.curves(7, 20, 100, 0.01);
    var outcome = LearningCurveSimulation.run(curves, new SuccessiveHalvingRule(4, 3), 2);
    assertThat(outcome.savedFraction()).isGreaterThan(0.3);
    assertThat(outcome.relativeLoss()).isLessThan(0.05);
  }
}
