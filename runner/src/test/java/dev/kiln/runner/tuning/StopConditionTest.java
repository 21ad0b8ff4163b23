package dev.kiln.runner.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.OnTrialError;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class StopConditionTest {
  static TuningSpec spec(Goal goal, Optional<String> condition, Optional<Double> target) {
    return new TuningSpec(
        "loss", goal, List.of(new SearchParameter.Discrete("epochs", List.of(1.0, 2.0))),
        Algorithm.GRID_SEARCH, 2, 1, 0, false, Optional.empty(), MetricValue.LAST, Map.of(),
        List.of(), condition, target, OnTrialError.FAILURE_BUDGET, false);
  }

  @Test
  void comparisonsOnMetadataAsValohaiWritesThem() {
    assertThat(StopCondition.of("accuracy > 0.95").met(Map.of("accuracy", 0.96))).isTrue();
    assertThat(StopCondition.of("accuracy > 0.95").met(Map.of("accuracy", 0.95))).isFalse();
    assertThat(StopCondition.of("metadata.loss < 0.1 and epoch >= 3")
        .met(Map.of("loss", 0.05, "epoch", 3L))).isTrue();
    assertThat(StopCondition.of("metadata.loss < 0.1 and epoch >= 3")
        .met(Map.of("loss", 0.05, "epoch", 2L))).isFalse();
    assertThat(StopCondition.of("not (loss > 1 or loss < -1)").met(Map.of("loss", 0.5))).isTrue();
    assertThat(StopCondition.of("0 < loss <= 1").met(Map.of("loss", 1))).isTrue();
    assertThat(StopCondition.of("0 < loss <= 1").met(Map.of("loss", 0))).isFalse();
    assertThat(StopCondition.of("2 * loss ** 2 + 1 == 3").met(Map.of("loss", 1.0))).isTrue();
    assertThat(StopCondition.of("phase == 'done'").met(Map.of("phase", "done"))).isTrue();
    assertThat(StopCondition.of("converged").met(Map.of("converged", true))).isTrue();
  }

  @Test
  void aKeyTheTrialNeverPrintedIsNotMet() {
    assertThat(StopCondition.of("accuracy > 0.95").met(Map.of("loss", 0.1))).isFalse();
    assertThat(StopCondition.of("loss / zero > 1").met(Map.of("loss", 1.0, "zero", 0))).isFalse();
  }

  @Test
  void badExpressionsSayWhere() {
    assertThatThrownBy(() -> StopCondition.of("can't stop me now"))
        .hasMessage("unterminated string starting at column 4");
    assertThatThrownBy(() -> StopCondition.of("loss < 0.1 )"))
        .hasMessage("unexpected `)` at column 12 of `loss < 0.1 )`");
  }

  @Test
  void targetValueIsReachedInTheGoalsDirection() {
    StopCondition min = StopCondition.of(spec(Goal.MINIMIZE, Optional.empty(), Optional.of(0.05)));
    assertThat(min.check(Map.of(), OptionalDouble.of(0.04)))
        .contains("\"loss\" reached the target value 0.05 (0.04)");
    assertThat(min.check(Map.of(), OptionalDouble.of(0.06))).isEmpty();
    assertThat(min.check(Map.of(), OptionalDouble.empty())).isEmpty();
    StopCondition max = StopCondition.of(spec(Goal.MAXIMIZE, Optional.empty(), Optional.of(0.9)));
    assertThat(max.check(Map.of(), OptionalDouble.of(0.9))).isPresent();
    assertThat(max.check(Map.of(), OptionalDouble.of(0.5))).isEmpty();
  }

  @Test
  void theSpecsStopConditionAndNever() {
    StopCondition c = StopCondition.of(spec(Goal.MINIMIZE, Optional.of("loss < 0.01"), Optional.empty()));
    assertThat(c.isNever()).isFalse();
    assertThat(c.check(Map.of("loss", 0.001), OptionalDouble.of(0.001)))
        .contains("stop-condition `loss < 0.01` is met");
    assertThat(c.check(Map.of("loss", 0.1), OptionalDouble.of(0.1))).isEmpty();
    StopCondition never = StopCondition.of(spec(Goal.MINIMIZE, Optional.empty(), Optional.empty()));
    assertThat(never.isNever()).isTrue();
    assertThat(never.check(Map.of("loss", 0.0), OptionalDouble.of(0.0))).isEmpty();
  }
}
