package dev.kiln.runner.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.OnTrialError;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TuningSpecJsonTest {
  @Test
  void writesAiPlatformFieldNamesAndReadsThemBack() {
    TuningSpec spec =
        new TuningSpec(
            "accuracy",
            Goal.MAXIMIZE,
            List.of(
                new SearchParameter.DoubleRange("lr", 1e-3, 1e-1, Scale.LOG),
                new SearchParameter.IntegerRange("layers", 1, 4, Scale.LINEAR),
                new SearchParameter.Categorical("opt", List.of("sgd", "adam")),
                new SearchParameter.Discrete("batch", List.of(8.0, 16.0))),
            Algorithm.BAYESIAN_TPE,
            6,
            2,
            1,
            true,
            Optional.of("run-1"),
            MetricValue.BEST,
            Map.of("epochs", "3"),
            List.of());
    String json = TuningSpecJson.write(spec);
    assertThat(json)
        .contains("\"hyperparameterMetricTag\":\"accuracy\"")
        .contains("\"algorithm\":\"ALGORITHM_UNSPECIFIED\"")
        .contains("\"scaleType\":\"UNIT_LOG_SCALE\"")
        .contains("\"categoricalValues\":[\"sgd\",\"adam\"]")
        .contains("\"Kiln:metricValue\":\"BEST\"");
    assertThat(TuningSpecJson.read(json)).isEqualTo(spec);
  }

  @Test
  void valohaiTaskSettingsRoundTripAndAreLeftOutWhenUnset() {
    TuningSpec spec =
        new TuningSpec(
            "loss", Goal.MINIMIZE, List.of(new SearchParameter.Discrete("epochs", List.of(1.0, 2.0))),
            Algorithm.GRID_SEARCH, 2, 1, 0, false, Optional.empty(), MetricValue.LAST, Map.of(),
            List.of(), Optional.of("loss < 0.1"), Optional.of(0.05),
            OnTrialError.CONTINUE_AND_ERROR, true);
    String json = TuningSpecJson.write(spec);
    assertThat(json)
        .contains("\"Kiln:stopCondition\":\"loss < 0.1\"")
        .contains("\"Kiln:targetValue\":0.05")
        .contains("\"Kiln:onTrialError\":\"CONTINUE_AND_ERROR\"")
        .contains("\"Kiln:reuseTrials\":true");
    assertThat(TuningSpecJson.read(json)).isEqualTo(spec);
    TuningSpec plain =
        new TuningSpec(
            "loss", Goal.MINIMIZE, spec.parameters(), Algorithm.GRID_SEARCH, 2, 1, 0, false,
            Optional.empty());
    assertThat(TuningSpecJson.write(plain)).doesNotContain("Kiln:stopCondition")
        .doesNotContain("Kiln:onTrialError").doesNotContain("Kiln:reuseTrials");
    assertThat(TuningSpecJson.read(TuningSpecJson.write(plain)).onTrialError())
        .isEqualTo(OnTrialError.FAILURE_BUDGET);
  }
}
