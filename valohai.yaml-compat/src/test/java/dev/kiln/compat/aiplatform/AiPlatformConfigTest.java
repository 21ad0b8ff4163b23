package dev.kiln.compat.aiplatform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AiPlatformConfigTest {
  @TempDir Path dir;
  private static final List<String> STEP =
      List.of("initial_learning_rate", "batch_size", "optimizer", "momentum");

  private AiPlatformConfig.Result read(String yaml) throws Exception {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, yaml);
    return AiPlatformConfig.read(f, STEP);
  }

  private static List<String> messages(AiPlatformConfig.Result r) {
    return r.diagnostics().stream().map(Diagnostic::toString).toList();
  }

  @Test
  void theDetectorConfigOfTheSeedReadsWhole() throws Exception {
    var r =
        read(
            """
            trainingInput:
              scaleTier: CUSTOM
              masterType: standard_p100
              hyperparameters:
                goal: MAXIMIZE
                hyperparameterMetricTag: AP
                maxTrials: 6
                maxParallelTrials: 2
                enableTrialEarlyStopping: true
                params:
                  - parameterName: initial_learning_rate
                    type: DOUBLE
                    minValue: 0.001
                    maxValue: 0.1
                    scaleType: UNIT_LOG_SCALE
                  - parameterName: batch_size
                    type: INTEGER
                    minValue: 8
                    maxValue: 64
                  - parameterName: optimizer
                    type: CATEGORICAL
                    categoricalValues: [sgd, adam]
                  - parameterName: momentum
                    type: DISCRETE
                    discreteValues: [0.5, 0.9, 0.99]
            """);
    assertThat(r.hasErrors()).isFalse();
    TuningSpec spec = r.spec().orElseThrow();
    assertThat(spec.metric()).isEqualTo("AP");
    assertThat(spec.goal()).isEqualTo(Goal.MAXIMIZE);
    assertThat(spec.algorithm()).isEqualTo(Algorithm.BAYESIAN_TPE);
    assertThat(spec.maxTrials()).isEqualTo(6);
    assertThat(spec.maxParallelTrials()).isEqualTo(2);
    assertThat(spec.earlyStopping()).isTrue();
    assertThat(spec.failureBudget()).isEqualTo(6);
    assertThat(spec.parameters())
        .containsExactly(
            new SearchParameter.DoubleRange("initial_learning_rate", 0.001, 0.1, Scale.LOG),
            new SearchParameter.IntegerRange("batch_size", 8, 64, Scale.LINEAR),
            new SearchParameter.Categorical("optimizer", List.of("sgd", "adam")),
            new SearchParameter.Discrete("momentum", List.of(0.5, 0.9, 0.99)));
    // Machine types do not apply here: a note, not an error.
    assertThat(messages(r))
        .anySatisfy(m -> assertThat(m).endsWith("config.yaml:2:3: warning: trainingInput.scaleTier does not apply to Kiln (trials run on this machine's executors); ignored"))
        .hasSize(2);
  }

  @Test
  void defaultsAreAiPlatformsAndLatinNumbersWithoutADotAreNumbers() throws Exception {
    var r =
        read(
            """
            trainingInput:
              hyperparameters:
                params:
                  - {parameterName: initial_learning_rate, type: DOUBLE, minValue: 1e-4, maxValue: 1e-1}
            """);
    TuningSpec spec = r.spec().orElseThrow();
    assertThat(spec.metric()).isEqualTo("training/hptuning/metric");
    assertThat(spec.goal()).isEqualTo(Goal.MAXIMIZE);
    assertThat(spec.maxTrials()).isEqualTo(1);
    assertThat(spec.maxParallelTrials()).isEqualTo(1);
    assertThat(((SearchParameter.DoubleRange) spec.parameters().get(0)).min()).isEqualTo(1e-4);
  }

  @Test
  void everyMistakeIsReportedAtItsPlace() throws Exception {
    var r =
        read(
            """
            trainingInput:
              hyperparameters:
                goal: MAXIMISE
                maxTrial: 4
                params:
                  - parameterName: initial_learnin_rate
                    type: DOUBLE
                    minValue: 0.1
                    maxValue: 0.2
                  - parameterName: batch_size
                    type: INTEGER
                    minValue: 64
                    maxValue: 8
                  - parameterName: momentum
                    type: DOUBLE
                    minValue: 0
                    maxValue: 1
                    scaleType: UNIT_LOG_SCALE
                  - parameterName: optimizer
                    type: CATEGORICAL
                  - parameterName: momentum
                    type: DISCRETE
                    discreteValues: [0.9, 0.5]
            """);
    assertThat(r.spec()).isEmpty();
    assertThat(messages(r))
        .containsExactly(
            dir.resolve("config.yaml") + ":3:11: error: goal MAXIMISE is not one of MAXIMIZE, MINIMIZE; did you mean \"MAXIMIZE\"?",
            dir.resolve("config.yaml") + ":4:5: error: hyperparameters.maxTrial is not an AI Platform hyperparameters field; did you mean \"maxTrials\"?",
            dir.resolve("config.yaml") + ":6:24: error: params[0] (initial_learnin_rate): the step has no parameter \"initial_learnin_rate\"; did you mean \"initial_learning_rate\"?",
            dir.resolve("config.yaml") + ":12:19: error: params[1] (batch_size): minValue 64 must be less than maxValue 8",
            dir.resolve("config.yaml") + ":16:19: error: params[2] (momentum): UNIT_LOG_SCALE needs minValue > 0; got 0",
            dir.resolve("config.yaml") + ":19:9: error: params[3] (optimizer) is CATEGORICAL but has no categoricalValues",
            dir.resolve("config.yaml") + ":23:25: error: params[4] (momentum): discreteValues must increase; 0.5 follows 0.9");
  }

  @Test
  void valueListsMustBeNonEmptyListsOfTheirType() throws Exception {
    var r =
        read(
            """
            trainingInput:
              hyperparameters:
                params:
                  - {parameterName: optimizer, type: CATEGORICAL, categoricalValues: []}
                  - {parameterName: momentum, type: DISCRETE, discreteValues: 0.9}
                  - {parameterName: batch_size, type: DISCRETE, discreteValues: [8, lots]}
            """);
    assertThat(r.spec()).isEmpty();
    assertThat(messages(r))
        .satisfiesExactly(
            m -> assertThat(m).endsWith(":4:74: error: params[0] (optimizer) is CATEGORICAL but categoricalValues is empty"),
            m -> assertThat(m).endsWith(":5:67: error: params[1] (momentum).discreteValues must be a list of numbers"),
            m -> assertThat(m).contains(":6:73: error: params[2] (batch_size).discreteValues holds ").endsWith("; expected a number"));
  }

  @Test
  void tooManyParallelTrialsAndAnOversizedGridAreWarnings() throws Exception {
    var r =
        read(
            """
            trainingInput:
              hyperparameters:
                algorithm: GRID_SEARCH
                maxTrials: 4
                maxParallelTrials: 8
                params:
                  - {parameterName: batch_size, type: INTEGER, minValue: 1, maxValue: 3}
                  - {parameterName: optimizer, type: CATEGORICAL, categoricalValues: [sgd, adam]}
            """);
    TuningSpec spec = r.spec().orElseThrow();
    assertThat(spec.maxParallelTrials()).isEqualTo(4);
    assertThat(spec.gridSize()).isEqualTo(6);
    assertThat(messages(r))
        .anySatisfy(m -> assertThat(m).contains(":5:24: warning: maxParallelTrials 8 is more than maxTrials 4"))
        .anySatisfy(m -> assertThat(m).contains(":3:16: warning: the grid has 6 points and maxTrials is 4: only the first 4"));
  }

  @Test
  void gridSearchRefusesDoublesAndYamlErrorsAreLocated() throws Exception {
    var r =
        read(
            """
            trainingInput:
              hyperparameters:
                algorithm: GRID_SEARCH
                params:
                  - {parameterName: momentum, type: DOUBLE, minValue: 0.1, maxValue: 0.9}
            """);
    assertThat(messages(r))
        .singleElement()
        .satisfies(m -> assertThat(m).contains(":3:16: error: parameter \"momentum\" is DOUBLE; GRID_SEARCH needs INTEGER, CATEGORICAL or DISCRETE"));
    var broken = read("trainingInput:\n  hyperparameters: [\n");
    assertThat(broken.spec()).isEmpty();
    assertThat(broken.diagnostics()).first().satisfies(d -> assertThat(d.line()).isPositive());
  }
}
