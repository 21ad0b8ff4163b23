package dev.kiln.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.dsl.PipelineBuilder;
import dev.kiln.pipelines.dsl.TuneHandle;
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
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The reference pipeline with {@code train} tuned, as issue 13's demo runs it, in the DSL. */
class TrainSuperbaiTunedTest {

  /** {@link TrainSuperbai#project()}'s wiring, with {@code train} tuned by {@code tune}. */
  private static Project tuned(Consumer<TuneHandle> tune) {
    var p = PipelineBuilder.named(TrainSuperbai.NAME);
    var convert = p.execution(ConvertLabels.SUPERBAI_NAME, ConvertLabels.SUPERBAI);
    var weights = p.execution("weights", Weights.STEP);
    var train = p.execution("train", Train.STEP);
    var detect = p.execution("detect", Detect.STEP);
    convert.output(ConvertLabels.CLASSES).to(train.input(Train.CLASSES));
    convert.output(ConvertLabels.TRAIN).to(train.input(Train.TRAIN));
    convert.output(ConvertLabels.TEST).to(train.input(Train.TEST));
    convert.output(ConvertLabels.CLASSES).to(detect.input(Detect.CLASSES));
    weights.output(Weights.MODEL).to(train.input(Train.MODEL));
    train.output(Train.TRAINED).to(detect.input(Detect.MODEL));
    tune.accept(p.tune(train));
    return p.project();
  }

  @Test
  void trainTunedOnTheLearningRateKeepsTheReferenceWiring() {
    Project project =
        tuned(
            t ->
                t.logUniform("initial_learning_rate", 1e-3, 1e-1)
                    .fixed("epochs", 2)
                    .maximize("AP")
                    .maxTrials(6)
                    .maxParallelTrials(2));
    Pipeline reference = TrainSuperbai.pipeline();
    Pipeline pipeline = project.pipeline(TrainSuperbai.NAME).orElseThrow();

    assertThat(pipeline.edges()).isEqualTo(reference.edges());
    assertThat(pipeline.nodes()).extracting(Node::name).containsExactly(
        "convert-superbai", "weights", "train", "detect");
    for (String untouched : List.of("convert-superbai", "weights", "detect")) {
      assertThat(pipeline.node(untouched)).isEqualTo(reference.node(untouched));
    }
    Node.Task train = (Node.Task) pipeline.node("train").orElseThrow();
    assertThat(train.step()).contains(Train.NAME);
    assertThat(project.effectiveStep(train)).contains(Train.STEP);
    assertThat(project.tuning(train))
        .contains(
            new TuningSpec(
                "AP",
                Goal.MAXIMIZE,
                List.of(
                    new SearchParameter.DoubleRange(
                        "initial_learning_rate", 1e-3, 1e-1, Scale.LOG)),
                Algorithm.BAYESIAN_TPE,
                6,
                2,
                0,
                false,
                Optional.empty(),
                MetricValue.LAST,
                Map.of("epochs", "2"),
                List.of()));
    assertThat(project.steps()).isEqualTo(TrainSuperbai.project().steps());
  }

  @Test
  void aTypoInTheTunedStepsParameterIsCaughtWhenBuilt() {
    assertThatThrownBy(
            () -> tuned(t -> t.logUniform("initial_learnig_rate", 1e-3, 1e-1).maximize("AP")))
        .isInstanceOf(PipelineValidationException.class)
        .satisfies(
            e ->
                assertThat(((PipelineValidationException) e).problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "error: pipeline \"train-superbai\" › nodes[2].tuning.parameters[0]:"
                            + " tuning of node \"train\" names parameter"
                            + " \"initial_learnig_rate\", which does not exist (step \"train\""
                            + " has: batch_size, epochs, learning_rate, initial_learning_rate,"
                            + " weights_num_classes, size, max_steps, warmup_steps,"
                            + " train_steps_per_eval, num_eval_images, aug_scale_min,"
                            + " aug_scale_max, time_limit_seconds, seed, cfg); did you mean"
                            + " \"initial_learning_rate\"?"));
  }
}
