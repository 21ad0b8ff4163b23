package dev.kiln.runner.tuning.stopping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MedianStoppingRuleTest {
  private final MedianStoppingRule rule = MedianStoppingRule.defaults();
  private final List<Curve> finished =
      List.of(
          Curve.ofValues(1, true, 1, 2, 3, 4, 5),
          Curve.ofValues(2, true, 2, 3, 4, 5, 6),
          Curve.ofValues(3, true, 3, 4, 5, 6, 7));

  @Test
  void aTrialWorseThanTheMedianOfRunningAveragesIsStopped() {
    // Running averages to step 4: 2.5, 3.5, 4.5; median 3.5.
    assertThat(rule.shouldStop(Curve.ofValues(9, false, 0.5, 0.5, 0.5, 0.5), finished, true))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("best value 0.500000 by step 4")
                    .contains("median 3.50000 of 3 finished trials"));
    // Its best value, not its last, is what counts: 4 by step 4 beats 3.5.
    assertThat(rule.shouldStop(Curve.ofValues(9, false, 0, 4, 0, 0), finished, true)).isEmpty();
    // Equal to the median is not strictly worse.
    assertThat(rule.shouldStop(Curve.ofValues(9, false, 3.5, 0, 0, 0), finished, true)).isEmpty();
  }

  @Test
  void optunasVariantComparesTheOthersValuesAtTheStep() {
    var optuna = new MedianStoppingRule(3, 4, MedianStoppingRule.Compare.VALUE_AT_STEP);
    // Values at step 4: 4, 5, 6; median 5. A best of 4.5 passes the running-average rule (3.5)
    // and fails this one.
    Curve trial = Curve.ofValues(9, false, 1, 2, 3, 4.5);
    assertThat(rule.shouldStop(trial, finished, true)).isEmpty();
    assertThat(optuna.shouldStop(trial, finished, true))
        .hasValueSatisfying(why -> assertThat(why).contains("median 5.00000 of 3 finished trials' values"));
  }

  @Test
  void whenMinimisingLowerIsBetter() {
    assertThat(rule.shouldStop(Curve.ofValues(9, false, 9, 9, 9, 9), finished, false)).isPresent();
    assertThat(rule.shouldStop(Curve.ofValues(9, false, 9, 9, 9, 3), finished, false)).isEmpty();
  }

  @Test
  void nothingStopsBeforeTheStartStepOrWithTooFewFinishedTrials() {
    assertThat(rule.shouldStop(Curve.ofValues(9, false, 0, 0, 0), finished, true)).isEmpty();
    assertThat(
            rule.shouldStop(Curve.ofValues(9, false, 0, 0, 0, 0), finished.subList(0, 2), true))
        .isEmpty();
    // Running trials and finished trials that did not reach the step do not count.
    List<Curve> mixed = new ArrayList<>(finished.subList(0, 2));
    mixed.add(Curve.ofValues(4, false, 9, 9, 9, 9, 9));
    mixed.add(Curve.ofValues(5, true, 9, 9));
    assertThat(rule.shouldStop(Curve.ofValues(9, false, 0, 0, 0, 0), mixed, true)).isEmpty();
  }

  @Test
  void settingsAndCurvesAreChecked() {
    assertThatThrownBy(() -> new MedianStoppingRule(0, 4)).hasMessageContaining("minTrials");
    assertThatThrownBy(
            () ->
                new Curve(
                    1, Arrays.asList(new Curve.Point(2, 1), new Curve.Point(2, 1)), false))
        .hasMessage("trial 1: steps must increase; step 2 follows step 2");
  }

  @Test
  void onSimulatedLearningCurvesItSavesStepsAndKeepsTheBestWithin1Percent() {
    List<Double> saved = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      double[][] curves = LearningCurveSimulation.curves(seed, 20, 100, 0.01);
      var outcome = LearningCurveSimulation.run(curves, rule, 2);
      saved.add(outcome.savedFraction());
      loss.add(outcome.relativeLoss());
      // Without a rule nothing is saved and nothing lost: the simulation itself is sound.
      var none = LearningCurveSimulation.run(curves, StoppingRule.NONE, 2);
      assertThat(none.savedFraction()).isZero();
      assertThat(none.relativeLoss()).isZero();
    }
    // The rule is conservative on these curves (docs/benchmarks.md: about 20% saved, short of the
    // issue's 40% target); this guards what it does achieve.
    assertThat(MedianStoppingRule.median(saved)).isGreaterThanOrEqualTo(0.15);
    assertThat(MedianStoppingRule.median(loss)).isLessThanOrEqualTo(0.01);
  }

  @Test
  void comparingValuesAtTheStepMeetsTheTargetOnSimulatedCurves() {
    var optuna = new MedianStoppingRule(3, 4, MedianStoppingRule.Compare.VALUE_AT_STEP);
    List<Double> saved = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      var outcome =
          LearningCurveSimulation.run(LearningCurveSimulation.curves(seed, 20, 100, 0.01), optuna, 2);
      saved.add(outcome.savedFraction());
      loss.add(outcome.relativeLoss());
    }
    // Issue 13's target: at least 40% of the trial steps saved, the best within 1%.
    assertThat(MedianStoppingRule.median(saved)).isGreaterThanOrEqualTo(0.40);
    assertThat(MedianStoppingRule.median(loss)).isLessThanOrEqualTo(0.01);
  }
}
