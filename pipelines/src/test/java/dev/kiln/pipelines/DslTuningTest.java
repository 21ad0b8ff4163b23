package dev.kiln.pipelines;

import static dev.kiln.pipelines.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.dsl.PipelineBuilder;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.PipelineValidationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DslTuningTest {

  /** A training step with one parameter of each type. */
  static final Step FIT =
      Step.command("fit", "python fit.py {parameters}")
          .addParameter(
              ParameterSpec.builder("learning_rate", ParameterType.FLOAT)
                  .optDefault(0.01)
                  .optMin(0.0)
                  .optMax(1.0)
                  .build())
          .addParameter(
              ParameterSpec.builder("batch_size", ParameterType.INTEGER)
                  .optDefault(8)
                  .optMin(1.0)
                  .build())
          .addParameter(
              ParameterSpec.builder("optimizer", ParameterType.STRING)
                  .optDefault("adam")
                  .optChoices(List.of(ParamValue.of("adam"), ParamValue.of("sgd")))
                  .build())
          .addParameter(
              ParameterSpec.builder("augment", ParameterType.FLAG).optDefault(false).build())
          .addInput(CLASSES_IN)
          .addOutput(MODEL_OUT)
          .build();

  @Test
  void aTunedNodeIsATaskNodeWhoseBlueprintCarriesTheSpec() {
    var p = PipelineBuilder.named("tuned");
    var convert = p.execution("convert", CONVERT);
    var fit = p.execution("fit", FIT);
    var train = p.execution("train", TRAIN);
    convert.output(CLASSES_OUT).to(fit.input(CLASSES_IN));
    fit.output(MODEL_OUT).to(train.input(MODEL_IN));
    p.tune(fit)
        .logUniform("learning_rate", 1e-3, 1e-1)
        .integers("batch_size", 4, 64, Scale.LOG)
        .categorical("optimizer", "adam", "sgd")
        .categorical("augment", "true", "false")
        .maximize("val_ap")
        .maxTrials(6)
        .maxParallelTrials(2)
        .maxFailedTrials(1)
        .earlyStopping()
        .metricValue(MetricValue.BEST);

    Project project = p.project();
    Pipeline pipeline = project.pipelines().get(0);
    Node node = pipeline.node("fit").orElseThrow();
    assertThat(node).isInstanceOf(Node.Task.class);
    Node.Task task = (Node.Task) node;
    assertThat(task.step()).contains("fit");
    assertThat(task.task()).contains("fit");
    assertThat(pipeline.node("convert").orElseThrow()).isInstanceOf(Node.Execution.class);

    TaskBlueprint blueprint = project.task("fit").orElseThrow();
    assertThat(blueprint.step()).contains("fit");
    assertThat(blueprint.type()).contains("bayesian_tpe");
    assertThat(project.tuning(task))
        .contains(
            new TuningSpec(
                "val_ap",
                Goal.MAXIMIZE,
                List.of(
                    new SearchParameter.DoubleRange("learning_rate", 1e-3, 1e-1, Scale.LOG),
                    new SearchParameter.IntegerRange("batch_size", 4, 64, Scale.LOG),
                    new SearchParameter.Categorical("optimizer", List.of("adam", "sgd")),
                    new SearchParameter.Categorical("augment", List.of("true", "false"))),
                Algorithm.BAYESIAN_TPE,
                6,
                2,
                1,
                true,
                Optional.empty(),
                MetricValue.BEST,
                Map.of(),
                List.of()));
    // Edges in and out keep naming the node.
    assertThat(pipeline.edges())
        .extracting(Edge::toString)
        .containsExactly(
            "convert.output.classes.txt -> fit.input.classes",
            "fit.output.model/* -> train.input.model");
    assertThat(project.effectiveStep(task)).contains(FIT);
  }

  @Test
  void defaultsAndTheOtherAlgorithms() {
    var p = PipelineBuilder.named("grid");
    var fit = p.execution("fit", FIT).set("batch_size", 16);
    fit.tune()
        .discrete("learning_rate", 0.001, 0.01, 0.1)
        .integers("batch_size", 8, 10)
        .fixed("optimizer", "sgd")
        .fixed("augment", true)
        .metric("loss")
        .minimize()
        .grid();
    assertThat(fit.tune()).isSameAs(p.tune(fit));
    Project project = p.project();
    Node.Task task = (Node.Task) project.pipelines().get(0).node("fit").orElseThrow();
    TuningSpec spec = project.tuning(task).orElseThrow();
    assertThat(spec.algorithm()).isEqualTo(Algorithm.GRID_SEARCH);
    assertThat(project.task("fit").orElseThrow().type()).contains("grid_search");
    assertThat(spec.goal()).isEqualTo(Goal.MINIMIZE);
    assertThat(spec.metric()).isEqualTo("loss");
    assertThat(spec.maxTrials()).isEqualTo(9); // a grid tries each point once
    assertThat(spec.maxParallelTrials()).isEqualTo(1);
    assertThat(spec.maxFailedTrials()).isZero();
    assertThat(spec.earlyStopping()).isFalse();
    assertThat(spec.metricValue()).isEqualTo(MetricValue.LAST);
    assertThat(spec.gridSize()).isEqualTo(9);
    assertThat(spec.fixedParameters()).containsExactlyInAnyOrderEntriesOf(
        Map.of("optimizer", "sgd", "augment", "true"));
    // The node's own value stays its override; trials set the searched value over it.
    assertThat(task.override().parameters()).hasSize(1);

    var r = PipelineBuilder.named("random");
    r.execution("fit", FIT).tune().uniform("learning_rate", 0, 0.5).maximize("acc").random();
    Project random = r.project();
    assertThat(random.tasks().get(0).tuning().orElseThrow().algorithm())
        .isEqualTo(Algorithm.RANDOM_SEARCH);
    assertThat(random.tasks().get(0).tuning().orElseThrow().maxTrials()).isEqualTo(10);
    assertThat(random.tasks().get(0).tuning().orElseThrow().parameters())
        .containsExactly(new SearchParameter.DoubleRange("learning_rate", 0, 0.5, Scale.LINEAR));
  }

  @Test
  void aGridCutShortByMaxTrialsIsAWarning() {
    var p = PipelineBuilder.named("grid");
    var fit = p.execution("fit", FIT);
    fit.tune()
        .integers("batch_size", 1, 4)
        .categorical("optimizer", "adam", "sgd")
        .maximize("acc")
        .grid()
        .maxTrials(6)
        .maxParallelTrials(2);
    assertThat(p.problems())
        .extracting(Object::toString)
        .containsExactly(
            "warning: pipeline \"grid\" › nodes[0].tuning.maxTrials: the grid has 8 points and"
                + " maxTrials is 6: only the first 6 points (in the order the parameters are"
                + " written, the last varying fastest) are tried; the rest are dropped; raise"
                + " maxTrials to 8 or leave it out to try every point");
    // A warning does not stop the build.
    assertThat(p.project().tasks().get(0).tuning().orElseThrow().maxTrials()).isEqualTo(6);

    var q = PipelineBuilder.named("small-grid");
    q.execution("fit", FIT)
        .tune()
        .categorical("optimizer", "adam", "sgd")
        .maximize("acc")
        .grid()
        .maxParallelTrials(3);
    assertThat(q.problems())
        .extracting(Object::toString)
        .containsExactly(
            "error: pipeline \"small-grid\" › nodes[0].tuning.maxParallelTrials:"
                + " maxParallelTrials(3) is more than the 2 trials (the grid's points); at most 2"
                + " trials can run at once");
  }

  @Test
  void untunedTaskNodesStayWithoutBlueprint() {
    var p = PipelineBuilder.named("sweep");
    p.task("sweep", FIT);
    Project project = p.project();
    assertThat(project.tasks()).isEmpty();
    assertThat(((Node.Task) project.pipelines().get(0).nodes().get(0)).task()).isEmpty();
  }

  @Test
  void unknownParametersSuggestTheRightOne() {
    var p = PipelineBuilder.named("typo");
    p.execution("convert", CONVERT);
    p.execution("fit", FIT)
        .tune()
        .logUniform("learnig_rate", 1e-3, 1e-1)
        .fixed("optimiser", "sgd")
        .integers("zzz", 1, 2)
        .maximize("val_ap");
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"typo\" › nodes[1].tuning.parameters[0]: tuning of node \"fit\""
                + " names parameter \"learnig_rate\", which does not exist (step \"fit\" has:"
                + " learning_rate, batch_size, optimizer, augment); did you mean"
                + " \"learning_rate\"?",
            "error: pipeline \"typo\" › nodes[1].tuning.parameters[1]: tuning of node \"fit\""
                + " names parameter \"zzz\", which does not exist (step \"fit\" has:"
                + " learning_rate, batch_size, optimizer, augment)",
            "error: pipeline \"typo\" › nodes[1].tuning.fixed[0]: tuning of node \"fit\""
                + " names parameter \"optimiser\", which does not exist (step \"fit\" has:"
                + " learning_rate, batch_size, optimizer, augment); did you mean"
                + " \"optimizer\"?");
  }

  @Test
  void rangesMustFitTheirParameterType() {
    var p = PipelineBuilder.named("types");
    p.execution("fit", FIT)
        .tune()
        .uniform("batch_size", 1, 64)
        .integers("optimizer", 1, 2)
        .discrete("augment", 0, 1)
        .categorical("learning_rate", "0.1", "0.01")
        .maximize("val_ap");
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"types\" › nodes[0].tuning.parameters[0]: uniform(\"batch_size\","
                + " 1, 64) searches DOUBLE values, but parameter \"batch_size\" is an integer;"
                + " use integers(\"batch_size\", min, max) or discrete(\"batch_size\", ...)",
            "error: pipeline \"types\" › nodes[0].tuning.parameters[1]: integers(\"optimizer\","
                + " 1, 2) searches INTEGER values, but parameter \"optimizer\" is a string; use"
                + " categorical(\"optimizer\", ...)",
            "error: pipeline \"types\" › nodes[0].tuning.parameters[2]: discrete(\"augment\", 0,"
                + " 1) searches DISCRETE values, but parameter \"augment\" is a flag; use"
                + " categorical(\"augment\", \"true\", \"false\")",
            "error: pipeline \"types\" › nodes[0].tuning.parameters[3]:"
                + " categorical(\"learning_rate\", \"0.1\", \"0.01\") searches CATEGORICAL"
                + " values, but parameter \"learning_rate\" is a float; use"
                + " uniform(\"learning_rate\", min, max), logUniform(\"learning_rate\", min,"
                + " max) or discrete(\"learning_rate\", ...)");
  }

  @Test
  void rangesMustBeNonEmptyAndLogScalesPositive() {
    var p = PipelineBuilder.named("ranges");
    p.execution("fit", FIT)
        .tune()
        .uniform("learning_rate", 0.1, 0.01)
        .integers("batch_size", 8, 8)
        .maximize("val_ap");
    p.execution("fit2", FIT)
        .tune()
        .logUniform("learning_rate", 0, 0.1)
        .integers("batch_size", 0, 64, Scale.REVERSE_LOG)
        .maximize("val_ap");
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"ranges\" › nodes[0].tuning.parameters[0]:"
                + " uniform(\"learning_rate\", 0.1, 0.01): min 0.1 must be less than max 0.01;"
                + " swap min and max",
            "error: pipeline \"ranges\" › nodes[0].tuning.parameters[1]: integers(\"batch_size\","
                + " 8, 8): min 8 must be less than max 8; to keep one value, use"
                + " fixed(\"batch_size\", 8)",
            "error: pipeline \"ranges\" › nodes[1].tuning.parameters[0]:"
                + " logUniform(\"learning_rate\", 0, 0.1): a log scale needs min > 0; got 0;"
                + " use uniform(\"learning_rate\", ...) or a positive min",
            "error: pipeline \"ranges\" › nodes[1].tuning.parameters[1]: integers(\"batch_size\","
                + " 0, 64, REVERSE_LOG): a reverse log scale needs min > 0; got 0; use a linear"
                + " scale or a positive min",
            "error: pipeline \"ranges\" › nodes[1].tuning.parameters[1]: integers(\"batch_size\","
                + " 0, 64, REVERSE_LOG): min 0 is less than the minimum (1)");
  }

  @Test
  void valuesMustFitTheStepsBoundsAndChoices() {
    var p = PipelineBuilder.named("bounds");
    p.execution("fit", FIT)
        .tune()
        .uniform("learning_rate", 0.5, 2)
        .categorical("optimizer", "adam", "adamw", "adam")
        .discrete("batch_size", 16, 8, 12.5)
        .categorical("augment", "yes")
        .fixed("learning_rate", 3)
        .maximize("val_ap");
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"bounds\" › nodes[0].tuning.parameters[0]:"
                + " uniform(\"learning_rate\", 0.5, 2): max 2.0 is greater than the maximum (1)",
            "error: pipeline \"bounds\" › nodes[0].tuning.parameters[1]: categorical(\"optimizer\","
                + " \"adam\", \"adamw\", \"adam\"): values repeat: \"adam\"",
            "error: pipeline \"bounds\" › nodes[0].tuning.parameters[1]: categorical(\"optimizer\","
                + " \"adam\", \"adamw\", \"adam\"): \"adamw\" is not one of the choices (\"adam\","
                + " \"sgd\")",
            "error: pipeline \"bounds\" › nodes[0].tuning.parameters[2]: discrete(\"batch_size\","
                + " 16, 8, 12.5): values must increase; 8 follows 16; list them in increasing"
                + " order, each once",
            "error: pipeline \"bounds\" › nodes[0].tuning.parameters[2]: discrete(\"batch_size\","
                + " 16, 8, 12.5): 12.5 is not an integer, but parameter \"batch_size\" is",
            "error: pipeline \"bounds\" › nodes[0].tuning.parameters[3]: categorical(\"augment\","
                + " \"yes\"): \"yes\" is not a flag (true or false)",
            "error: pipeline \"bounds\" › nodes[0].tuning.fixed[0]: fixed(\"learning_rate\", 3):"
                + " parameter \"learning_rate\" is also searched (at parameters[0]); either"
                + " search it or fix it");
  }

  @Test
  void theObjectiveAndTheBudgetAreChecked() {
    var p = PipelineBuilder.named("budget");
    p.execution("fit", FIT)
        .tune()
        .uniform("learning_rate", 0, 1)
        .uniform("learning_rate", 0, 0.5)
        .maxTrials(2)
        .maxParallelTrials(4)
        .maxFailedTrials(-1);
    p.execution("fit2", FIT).tune().maximize().maxTrials(0).grid();
    p.execution("fit3", FIT)
        .tune()
        .uniform("learning_rate", 0, 1)
        .minimize("loss")
        .grid()
        .maxParallelTrials(0);
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"budget\" › nodes[0].tuning.parameters[1]:"
                + " uniform(\"learning_rate\", 0, 0.5): parameter \"learning_rate\" is already"
                + " searched (at parameters[0]); search each parameter once",
            "error: pipeline \"budget\" › nodes[0].tuning.metric: tuning of node \"fit\" has no"
                + " metric; call metric(\"TAG\") with the metadata key the step prints, e.g."
                + " maximize(\"val_ap\")",
            "error: pipeline \"budget\" › nodes[0].tuning.goal: tuning of node \"fit\" has no"
                + " goal; call maximize() or minimize()",
            "error: pipeline \"budget\" › nodes[0].tuning.maxParallelTrials:"
                + " maxParallelTrials(4) is more than maxTrials(2); at most 2 trials can run at"
                + " once",
            "error: pipeline \"budget\" › nodes[0].tuning.maxFailedTrials: maxFailedTrials(-1)"
                + " must not be negative; 0 tolerates as many failures as maxTrials",
            "error: pipeline \"budget\" › nodes[1].tuning.parameters: tuning of node \"fit2\""
                + " searches no parameter; add one with uniform, logUniform, reverseLogUniform,"
                + " integers, categorical or discrete",
            "error: pipeline \"budget\" › nodes[1].tuning.metric: tuning of node \"fit2\" has no"
                + " metric; call metric(\"TAG\") with the metadata key the step prints, e.g."
                + " maximize(\"val_ap\")",
            "error: pipeline \"budget\" › nodes[1].tuning.maxTrials: maxTrials(0): a tuning job"
                + " needs at least 1 trial",
            "error: pipeline \"budget\" › nodes[2].tuning.parameters[0]:"
                + " uniform(\"learning_rate\", 0, 1): a grid cannot enumerate a continuous"
                + " range; list the values with discrete(\"learning_rate\", ...)",
            "error: pipeline \"budget\" › nodes[2].tuning.maxParallelTrials:"
                + " maxParallelTrials(0): at least 1 trial must run at a time");
  }

  @Test
  void tuningProblemsComeWithTheRestOfThePipelines() {
    var p = PipelineBuilder.named("all");
    var a = p.execution("fit", FIT);
    var b = p.execution("train", TRAIN);
    a.tune().uniform("learning_rat", 0, 1).maximize("acc");
    a.parameter("batch_size").to(b.parameter("epoch"));
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"all\" › edges[0].target: edge names parameter \"epoch\", which"
                + " does not exist (node \"train\" (step \"train\") has: epochs, optimizer); did"
                + " you mean \"epochs\"?",
            "error: pipeline \"all\" › nodes[0].tuning.parameters[0]: tuning of node \"fit\""
                + " names parameter \"learning_rat\", which does not exist (step \"fit\" has:"
                + " learning_rate, batch_size, optimizer, augment); did you mean"
                + " \"learning_rate\"?");
  }

  @Test
  void manualTrialsRunAsWritten() {
    var p = PipelineBuilder.named("manual");
    p.execution("fit", FIT)
        .tune()
        .trial(Map.of("learning_rate", 0.01, "batch_size", 8))
        .trial(Map.of("learning_rate", 0.1, "optimizer", "sgd", "augment", true))
        .fixed("batch_size", 4)
        .maximize("acc");
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"manual\" › nodes[0].tuning.trials[0].batch_size: trial sets"
                + " parameter \"batch_size\", which is also fixed; either fix it or set it in each"
                + " trial");

    var q = PipelineBuilder.named("manual");
    q.execution("fit", FIT)
        .tune()
        .trial(Map.of("learning_rate", 0.01, "batch_size", 8))
        .trial(Map.of("learning_rate", 0.1, "optimizer", "sgd", "augment", true))
        .maximize("acc")
        .maxParallelTrials(2);
    TuningSpec spec = q.project().tasks().get(0).tuning().orElseThrow();
    assertThat(spec.algorithm()).isEqualTo(Algorithm.MANUAL_SEARCH);
    assertThat(q.project().tasks().get(0).type()).contains("manual_search");
    assertThat(spec.maxTrials()).isEqualTo(2);
    assertThat(spec.parameters()).isEmpty();
    assertThat(spec.manualTrials())
        .containsExactly(
            Map.of("learning_rate", "0.01", "batch_size", "8"),
            Map.of("learning_rate", "0.1", "optimizer", "sgd", "augment", "true"));
  }

  @Test
  void manualTrialsAreCheckedLikeTheRest() {
    var p = PipelineBuilder.named("manual");
    p.execution("fit", FIT)
        .tune()
        .trial(Map.of("learning_rate", 2.0, "batch_sise", 8, "optimizer", "adamw"))
        .trial(Map.of())
        .uniform("learning_rate", 0, 1)
        .maximize("acc")
        .maxTrials(1);
    p.execution("fit2", FIT).tune().manual().maximize("acc");
    p.execution("fit3", FIT)
        .tune()
        .trial(Map.of("learning_rate", 0.5))
        .discrete("batch_size", 1, 2)
        .maximize("acc")
        .grid();
    assertThat(problems(p))
        .containsExactly(
            "error: pipeline \"manual\" › nodes[0].tuning.trials[0].learning_rate: trial sets"
                + " \"learning_rate\" to 2.0: 2.0 is greater than the maximum (1)",
            "error: pipeline \"manual\" › nodes[0].tuning.trials[0].optimizer: trial sets"
                + " \"optimizer\" to \"adamw\": \"adamw\" is not one of the choices (\"adam\","
                + " \"sgd\")",
            "error: pipeline \"manual\" › nodes[0].tuning.trials[0].batch_sise: tuning of node"
                + " \"fit\" names parameter \"batch_sise\", which does not exist (step \"fit\""
                + " has: learning_rate, batch_size, optimizer, augment); did you mean"
                + " \"batch_size\"?",
            "error: pipeline \"manual\" › nodes[0].tuning.trials[1]: trial(...) sets no"
                + " parameter",
            "error: pipeline \"manual\" › nodes[0].tuning.parameters[0]:"
                + " uniform(\"learning_rate\", 0, 1): a manual search runs its trials as written"
                + " and searches nothing; give the values in trial(...), or use another"
                + " algorithm",
            "warning: pipeline \"manual\" › nodes[0].tuning.maxTrials: there are 2 manual trials"
                + " and maxTrials is 1: only the first 1 are run; leave maxTrials out to run"
                + " every trial",
            "error: pipeline \"manual\" › nodes[1].tuning.trials: a manual search of node"
                + " \"fit2\" has no trials; add each combination with trial(Map.of(\"NAME\","
                + " value, ...))",
            "error: pipeline \"manual\" › nodes[2].tuning.trials: trial(...) combinations are"
                + " run by a manual search only, but the algorithm is GRID_SEARCH; call manual(),"
                + " or leave the algorithm out");
  }

  @Test
  void aNodeOfAnotherPipelineCannotBeTunedHere() {
    var p = PipelineBuilder.named("a");
    var q = PipelineBuilder.named("b");
    var fit = q.execution("fit", FIT);
    assertThatThrownBy(() -> p.tune(fit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node fit belongs to another pipeline");
  }

  private static List<String> problems(PipelineBuilder p) {
    try {
      p.build();
    } catch (PipelineValidationException e) {
      return e.problems().stream().map(Object::toString).toList();
    }
    throw new AssertionError("expected validation problems");
  }
}
