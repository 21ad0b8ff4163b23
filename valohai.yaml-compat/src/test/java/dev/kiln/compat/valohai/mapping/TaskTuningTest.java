package dev.kiln.compat.valohai.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.ReadResult;
import dev.kiln.compat.valohai.ValohaiYaml;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.OnTrialError;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** valohai.yaml task blueprints as TuningSpecs: every style and type, and the exact problems. */
class TaskTuningTest {
  static final Path FILE = Path.of("valohai.yaml");

  /** 16 lines: a task written after it starts at line 17. */
  static final String STEP =
      """
      - step:
          name: train
          image: python:3.12
          command: python train.py {parameters}
          parameters:
            - name: epochs
              type: integer
              default: 5
            - name: learning_rate
              type: float
              default: 0.001
            - name: optimizer
              type: string
              default: adam
            - name: augment
              type: flag
      """;

  static ReadResult read(String task) {
    return ValohaiYaml.parse(FILE, STEP + task);
  }

  static TuningSpec spec(ReadResult r) {
    assertThat(r.errors()).as(r.diagnostics().toString()).isEmpty();
    return r.project().orElseThrow().tasks().get(0).tuning().orElseThrow();
  }

  static List<String> problems(ReadResult r) {
    return r.diagnostics().stream().map(Diagnostic::toString).toList();
  }

  static List<String> notNotes(ReadResult r) {
    return r.diagnostics().stream()
        .filter(d -> d.severity() != Severity.NOTE)
        .map(Diagnostic::toString)
        .toList();
  }

  @Test
  void gridOfMultipleLinearAndSingle() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            type: grid_search
            Kiln:metric: accuracy
            Kiln:goal: maximize
            Kiln:metric-value: best
            execution-batch-size: 2
            maximum-queued-executions: 4
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [10, 5, 20]}
              - name: learning_rate
                style: linear
                rules: {start: 0.1, end: 0.3, step: 0.1}
              - name: optimizer
                style: multiple
                rules: {items: [adam, sgd]}
              - name: augment
                style: single
                rules: {value: true}
        """);
    assertThat(problems(r)).isEmpty();
    TuningSpec s = spec(r);
    assertThat(s.algorithm()).isEqualTo(Algorithm.GRID_SEARCH);
    assertThat(s.parameters()).containsExactly(
        new SearchParameter.Discrete("epochs", List.of(5.0, 10.0, 20.0)),
        new SearchParameter.Discrete("learning_rate", List.of(0.1, 0.2, 0.3)),
        new SearchParameter.Categorical("optimizer", List.of("adam", "sgd")));
    assertThat(s.fixedParameters()).isEqualTo(Map.of("augment", "true"));
    assertThat(s.maxTrials()).isEqualTo(18);
    assertThat(s.gridSize()).isEqualTo(18);
    assertThat(s.maxParallelTrials()).isEqualTo(2);
    assertThat(s.metric()).isEqualTo("accuracy");
    assertThat(s.goal()).isEqualTo(Goal.MAXIMIZE);
    assertThat(s.metricValue()).isEqualTo(MetricValue.BEST);
    assertThat(s.onTrialError()).isEqualTo(OnTrialError.FAILURE_BUDGET);
    assertThat(s.stopCondition()).isEmpty();
    assertThat(s.reuseTrials()).isFalse();
  }

  @Test
  void logspaceIsBaseToTheEvenlySpacedExponentsBothEndsIncluded() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            maximum-queued-executions: 3
            parameters:
              - name: learning_rate
                style: logspace
                rules: {start: -5, end: -1, count: 5}
              - name: epochs
                style: logspace
                rules: {start: 0, end: 3, count: 4, base: 2}
        """);
    TuningSpec s = spec(r);
    assertThat(s.algorithm()).isEqualTo(Algorithm.GRID_SEARCH); // Valohai's default type
    SearchParameter.Discrete lr = (SearchParameter.Discrete) s.parameters().get(0);
    assertThat(lr.values()).hasSize(5);
    double[] expected = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1};
    for (int i = 0; i < 5; i++) {
      assertThat(lr.values().get(i)).isCloseTo(expected[i], within(expected[i] * 1e-12));
    }
    assertThat(s.parameters().get(1))
        .isEqualTo(new SearchParameter.Discrete("epochs", List.of(1.0, 2.0, 4.0, 8.0)));
    assertThat(s.maxTrials()).isEqualTo(20);
    assertThat(s.maxParallelTrials()).isEqualTo(3);
  }

  @Test
  void logspaceReadsMinAndMaxAsValohaisBlueprintPageWritesThem() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: learning_rate
                style: logspace
                rules: {min: -3, max: -1, count: 3}
        """);
    SearchParameter.Discrete lr = (SearchParameter.Discrete) spec(r).parameters().get(0);
    assertThat(lr.values().get(0)).isCloseTo(1e-3, within(1e-15));
    assertThat(lr.values().get(2)).isCloseTo(1e-1, within(1e-15));
  }

  @Test
  void randomSearchTakesRangesWithTheirScale() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            type: random_search
            Kiln:metric: loss
            Kiln:goal: minimize
            execution-count: 20
            execution-batch-size: 50
            parameters:
              - name: learning_rate
                style: random
                rules: {min: 0.0001, max: 0.1, distribution: log-uniform}
              - name: epochs
                style: random
                rules: {min: 1, max: 10}
              - name: optimizer
                style: multiple
                rules: {items: [adam, sgd, rmsprop]}
        """);
    assertThat(problems(r)).containsExactly(
        "valohai.yaml:24:5: warning: task \"sweep\" › execution-batch-size: 50 trials at a time is"
            + " more than the 20 trials the task runs; 20 run at a time");
    TuningSpec s = spec(r);
    assertThat(s.algorithm()).isEqualTo(Algorithm.RANDOM_SEARCH);
    assertThat(s.parameters()).containsExactly(
        new SearchParameter.DoubleRange("learning_rate", 0.0001, 0.1, Scale.LOG),
        new SearchParameter.IntegerRange("epochs", 1, 10, Scale.LINEAR),
        new SearchParameter.Categorical("optimizer", List.of("adam", "sgd", "rmsprop")));
    assertThat(s.maxTrials()).isEqualTo(20);
    assertThat(s.maxParallelTrials()).isEqualTo(20);
    assertThat(s.goal()).isEqualTo(Goal.MINIMIZE);
    assertThat(s.metricValue()).isEqualTo(MetricValue.LAST);
  }

  @Test
  void bayesianCarriesTargetValueStopConditionChildErrorAndReuse() {
    ReadResult r = read("""
        - task:
            name: tpe
            step: train
            type: bayesian_tpe
            optimization-target-metric: loss
            optimization-target-value: 0.05
            Kiln:goal: minimize
            execution-count: 30
            execution-batch-size: 3
            stop-condition: loss < 0.01
            on-child-error: continue-and-error
            reuse-children: true
            parameters:
              - name: learning_rate
                style: random
                rules: {min: 0.001, max: 0.1, distribution: log-uniform}
              - name: epochs
                style: single
                rules: {value: 7}
        """);
    assertThat(problems(r)).isEmpty();
    TuningSpec s = spec(r);
    assertThat(s.algorithm()).isEqualTo(Algorithm.BAYESIAN_TPE);
    assertThat(s.metric()).isEqualTo("loss");
    assertThat(s.goal()).isEqualTo(Goal.MINIMIZE);
    assertThat(s.targetValue()).contains(0.05);
    assertThat(s.stopCondition()).contains("loss < 0.01");
    assertThat(s.onTrialError()).isEqualTo(OnTrialError.CONTINUE_AND_ERROR);
    assertThat(s.reuseTrials()).isTrue();
    assertThat(s.maxTrials()).isEqualTo(30);
    assertThat(s.maxParallelTrials()).isEqualTo(3);
    assertThat(s.fixedParameters()).isEqualTo(Map.of("epochs", "7"));
    assertThat(s.parameters())
        .containsExactly(new SearchParameter.DoubleRange("learning_rate", 0.001, 0.1, Scale.LOG));
  }

  @Test
  void withoutKilnGoalTheLargestMetricIsBestAndANoteSaysSo() {
    ReadResult r = read("""
        - task:
            name: tpe
            step: train
            type: bayesian_tpe
            optimization-target-metric: accuracy
            execution-count: 30
            on-child-error: stop-all-and-error
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [1, 2]}
        """);
    assertThat(problems(r)).containsExactly(
        "valohai.yaml:18:5: note: Kiln: task \"tpe\": the best trial is the one with the largest"
            + " \"accuracy\" (Valohai does not say which way is better); add `Kiln:goal: minimize`"
            + " if smaller is better");
    TuningSpec s = spec(r);
    assertThat(s.goal()).isEqualTo(Goal.MAXIMIZE);
    assertThat(s.onTrialError()).isEqualTo(OnTrialError.STOP_ALL_AND_ERROR);
    assertThat(s.maxParallelTrials()).isEqualTo(1);
  }

  @Test
  void manualSearchRunsTheParameterSetsWithTheSingleValues() {
    ReadResult r = read("""
        - task:
            name: by-hand
            step: train
            type: manual_search
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: optimizer
                style: single
                rules: {value: sgd}
            parameter-sets:
              - {epochs: 5, learning_rate: 0.01}
              - {epochs: 10, learning_rate: 0.1}
        """);
    TuningSpec s = spec(r);
    assertThat(s.algorithm()).isEqualTo(Algorithm.MANUAL_SEARCH);
    assertThat(s.manualTrials()).containsExactly(
        Map.of("epochs", "5", "learning_rate", "0.01"),
        Map.of("epochs", "10", "learning_rate", "0.1"));
    assertThat(s.fixedParameters()).isEqualTo(Map.of("optimizer", "sgd"));
    assertThat(s.maxTrials()).isEqualTo(2);
    assertThat(s.parameters()).isEmpty();
  }

  @Test
  void manualSearchZipsTheIthValuesOfItsParameters() {
    ReadResult r = read("""
        - task:
            name: by-hand
            step: train
            type: manual_search
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [5, 10, 15]}
              - name: learning_rate
                style: linear
                rules: {start: 0.3, end: 0.1, step: -0.1}
              - name: optimizer
                style: multiple
                rules: {items: [adam]}
        """);
    TuningSpec s = spec(r);
    assertThat(s.manualTrials()).containsExactly(
        Map.of("epochs", "5", "learning_rate", "0.3", "optimizer", "adam"),
        Map.of("epochs", "10", "learning_rate", "0.2", "optimizer", "adam"),
        Map.of("epochs", "15", "learning_rate", "0.1", "optimizer", "adam"));
  }

  @Test
  void randomStyleInAGridDrawsCountValuesFromTheSeed() {
    String task = """
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: learning_rate
                style: random
                rules: {min: 0.001, max: 0.1, count: 4, distribution: log-uniform, seed: SEED}
              - name: epochs
                style: random
                rules: {min: 1, max: 100, count: 3, seed: 1}
        """;
    TuningSpec a = spec(read(task.replace("SEED", "7")));
    TuningSpec b = spec(read(task.replace("SEED", "7")));
    TuningSpec c = spec(read(task.replace("SEED", "8")));
    List<Double> lr = ((SearchParameter.Discrete) a.parameters().get(0)).values();
    assertThat(lr).hasSize(4).allSatisfy(v -> assertThat(v).isBetween(0.001, 0.1));
    assertThat(a).isEqualTo(b);
    assertThat(((SearchParameter.Discrete) c.parameters().get(0)).values()).isNotEqualTo(lr);
    List<Double> epochs = ((SearchParameter.Discrete) a.parameters().get(1)).values();
    assertThat(epochs).isNotEmpty().allSatisfy(v -> assertThat(v).isEqualTo(Math.rint(v)));
    assertThat(a.maxTrials()).isEqualTo(4 * epochs.size());
  }

  // ---------------------------------------------------------------------------------------------
  // Problems: one located diagnostic each, exact text.

  @Test
  void unknownParameterNameSaysDidYouMean() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: learning-rate
                style: multiple
                rules: {items: [0.1, 0.01]}
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:23:15: error: task \"sweep\" › parameters[0].name: parameter"
            + " \"learning-rate\" does not exist in step \"train\" (known: epochs, learning_rate,"
            + " optimizer, augment); did you mean \"learning_rate\"?");
    assertThat(r.project()).isEmpty();
  }

  @Test
  void aValueThatDoesNotFitTheParameterTypeIsAnError() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: epochs
                style: multiple
                rules:
                  items: [5, 2.5]
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:26:22: error: task \"sweep\" › parameters[0].rules.items[1]: 2.5 does not fit"
            + " parameter \"epochs\" of step \"train\", which has type integer: expected an integer"
            + " (set `integerify: true` to round)");
  }

  @Test
  void computedValuesMustFitTooAndIntegerifyRoundsThem() {
    String task = """
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: epochs
                style: linear
                rules: {start: 1, end: 2, step: 0.5INTEGERIFY}
        """;
    assertThat(notNotes(read(task.replace("INTEGERIFY", "")))).containsExactly(
        "valohai.yaml:25:16: error: task \"sweep\" › parameters[0].rules: 1.5 (from start, end and"
            + " step) does not fit parameter \"epochs\" of step \"train\", which has type integer:"
            + " expected an integer (set `integerify: true` to round)");
    TuningSpec s = spec(read(task.replace("INTEGERIFY", ", integerify: true")));
    assertThat(s.parameters())
        .containsExactly(new SearchParameter.Discrete("epochs", List.of(1.0, 2.0)));
  }

  @Test
  void missingAndContradictoryRules() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            type: random_search
            execution-count: 0
            Kiln:metric: accuracy
            Kiln:goal: maximise
            Kiln:metrc: accuracy
            parameters:
              - name: epochs
                style: linear
                rules:
                  start: 1
                  end: 5
              - name: optimizer
                style: multiple
                rules:
                  items: []
              - name: learning_rate
                style: random
                rules:
                  min: 0.1
                  max: 0.01
                  distribution: normal
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:21:22: error: task \"sweep\" › execution-count: `0` must be at least 1",
        "valohai.yaml:23:16: error: task \"sweep\" › Kiln:goal: `maximise` is not one of maximize,"
            + " minimize; did you mean \"maximize\"?",
        "valohai.yaml:24:5: error: task \"sweep\" › Kiln:metrc: unknown key `Kiln:metrc` (Kiln's task"
            + " keys: Kiln:goal, Kiln:metric, Kiln:metric-value); did you mean \"Kiln:metric\"?",
        "valohai.yaml:29:11: error: task \"sweep\" › parameters[0].rules: `step` is required: the"
            + " difference between values",
        "valohai.yaml:34:18: error: task \"sweep\" › parameters[1].rules.items: the list is empty;"
            + " give at least one value",
        "valohai.yaml:39:16: error: task \"sweep\" › parameters[2].rules.max: max 0.01 must be more"
            + " than min 0.1");
  }

  @Test
  void aStepThatNeverReachesTheEnd() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: learning_rate
                style: linear
                rules: {start: 0.1, end: 0.5, step: -0.1}
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:25:45: error: task \"sweep\" › parameters[0].rules.step: a step of -0.1 never"
            + " goes from 0.1 to 0.5; use a step of 0.1");
  }

  @Test
  void anUnknownDistributionIsAnError() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            type: random_search
            execution-count: 5
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: learning_rate
                style: random
                rules: {min: 0.1, max: 0.2, distribution: normal}
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:27:51: error: task \"sweep\" › parameters[0].rules.distribution: `normal` is"
            + " not a distribution Kiln draws from (known: uniform, log-uniform)");
  }

  @Test
  void manualSearchWithListsOfDifferentLengths() {
    ReadResult r = read("""
        - task:
            name: by-hand
            step: train
            type: manual_search
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [5, 10, 15]}
              - name: optimizer
                style: multiple
                rules: {items: [adam, sgd]}
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:23:5: error: task \"by-hand\" › parameters: a manual_search runs the i-th"
            + " values of all parameters together, but \"epochs\" has 3 values and \"optimizer\""
            + " has 2");
  }

  @Test
  void parameterSetsAreCheckedAgainstTheStep() {
    ReadResult r = read("""
        - task:
            name: by-hand
            step: train
            type: manual_search
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameter-sets:
              - {epochs: 5, optimiser: sgd}
              - {epochs: ten}
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:24:21: error: task \"by-hand\" › parameter-sets[0].optimiser: parameter"
            + " \"optimiser\" does not exist in step \"train\" (known: epochs, learning_rate,"
            + " optimizer, augment); did you mean \"optimizer\"?",
        "valohai.yaml:25:18: error: task \"by-hand\" › parameter-sets[1].epochs: ten does not fit"
            + " parameter \"epochs\" of step \"train\", which has type integer: expected an integer");
  }

  @Test
  void aGridLargerThanExecutionCountWarnsWhichPointsAreDropped() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            execution-count: 4
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [1, 2, 3]}
              - name: optimizer
                style: multiple
                rules: {items: [adam, sgd]}
        """);
    assertThat(problems(r)).containsExactly(
        "valohai.yaml:22:5: warning: task \"sweep\" › execution-count: the grid has 6 points but"
            + " execution-count is 4: only the first 4 run (the last parameter varies fastest);"
            + " points 5 to 6 are dropped");
    assertThat(spec(r).maxTrials()).isEqualTo(4);
  }

  @Test
  void whatKilnCannotRunIsANoteAndTheBlueprintHasNoSpec() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: trian
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [1, 2]}
        - task:
            name: no-metric
            step: train
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [1, 2]}
        - task:
            name: no-count
            step: train
            type: random_search
            Kiln:metric: accuracy
            parameters:
              - name: epochs
                style: random
                rules: {min: 1, max: 9}
        """);
    assertThat(problems(r)).containsExactly(
        "valohai.yaml:19:11: note: Kiln: task \"sweep\" › step: task \"sweep\" names step \"trian\","
            + " which is not in this file (known: train); did you mean \"train\"?; Kiln cannot run"
            + " this task",
        "valohai.yaml:25:5: note: Kiln: task \"no-metric\": no metric to choose the best trial by:"
            + " add `Kiln:metric: NAME`, the metadata key the step prints; Kiln cannot run this task"
            + " until then",
        "valohai.yaml:32:5: note: Kiln: task \"no-count\": a random_search task needs"
            + " `execution-count`, the number of trials; Kiln cannot run this task until then");
    assertThat(r.project().orElseThrow().tasks())
        .allSatisfy(t -> assertThat(t.tuning()).isEqualTo(Optional.empty()));
  }

  @Test
  void aTaskNodeGetsItsBlueprintsSpec() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [1, 2]}
        - pipeline:
            name: p
            nodes:
              - name: tuned
                type: task
                task: sweep
            edges: []
        """);
    var project = r.project().orElseThrow();
    var node = (dev.kiln.pipelines.Node.Task) project.pipelines().get(0).nodes().get(0);
    assertThat(project.tuning(node)).isEqualTo(project.tasks().get(0).tuning());
    assertThat(project.tuning(node).orElseThrow().maxTrials()).isEqualTo(2);
  }

  @Test
  void kilnKeysSurviveTheRoundTrip() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            Kiln:goal: minimize
            parameters:
              - name: epochs
                style: multiple
                rules: {items: [1, 2]}
        """);
    String written = ValohaiYaml.write(r.project().orElseThrow());
    assertThat(written).contains("\"Kiln:goal\": minimize");
    TuningSpec again = spec(ValohaiYaml.parse(FILE, written));
    assertThat(again).isEqualTo(spec(r));
  }

  @Test
  void flagsNumberifyAndIntegerify() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            type: random_search
            execution-count: 8
            Kiln:metric: accuracy
            Kiln:goal: maximize
            parameters:
              - name: augment
                style: multiple
                rules: {items: [true, false]}
              - name: epochs
                style: multiple
                rules: {items: ["3", "1"], numberify: true}
              - name: learning_rate
                style: random
                rules: {min: 0.5, max: 4.5, integerify: true}
        """);
    assertThat(problems(r)).isEmpty();
    assertThat(spec(r).parameters()).containsExactly(
        new SearchParameter.Categorical("augment", List.of("true", "false")),
        new SearchParameter.Discrete("epochs", List.of(1.0, 3.0)),
        new SearchParameter.IntegerRange("learning_rate", 1, 4, Scale.LINEAR));
  }

  @Test
  void logspaceCountAndBaseAndLowerCaseKilnKeys() {
    ReadResult r = read("""
        - task:
            name: sweep
            step: train
            Kiln:metric: accuracy
            kiln:goal: maximize
            parameters:
              - name: learning_rate
                style: logspace
                rules: {start: -3, end: -1, count: 2.5}
              - name: epochs
                style: logspace
                rules: {start: 0, end: 2, count: 3, base: 1}
        """);
    assertThat(notNotes(r)).containsExactly(
        "valohai.yaml:21:5: error: task \"sweep\" › kiln:goal: unknown key `kiln:goal` (Kiln's task"
            + " keys: Kiln:goal, Kiln:metric, Kiln:metric-value); did you mean \"Kiln:goal\"?",
        "valohai.yaml:25:44: error: task \"sweep\" › parameters[0].rules.count: `2.5` is not a"
            + " number of values: expected a whole number from 1 to 100000",
        "valohai.yaml:28:51: error: task \"sweep\" › parameters[1].rules.base: a base of 1 gives no"
            + " range of values; use a base above 0 other than 1, such as 10");
  }
}
