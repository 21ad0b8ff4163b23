package dev.kiln.runner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.validation.PipelineValidationException;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.steps.classification.ClassificationSteps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The image-classification pipeline's EasyMaker hyperparameters go through the planner's range
 * checks: every out-of-range value is refused at once, before any node runs.
 */
class ClassificationParametersPlanTest {
  private static final Map<String, List<String>> INPUTS =
      Map.of(
          "train.train", List.of("data/train"),
          "train.validation", List.of("data/validation"),
          "predict.images", List.of("data/test"));

  @Test
  void outOfRangeValuesAreAllRefusedNamingParameterValueAndRange() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("train.input_size", List.of("3"));
    params.put("train.per_device_train_batch_size", List.of("1"));
    params.put("train.per_device_eval_batch_size", List.of("0"));
    params.put("train.num_train_epochs", List.of("0"));
    params.put("train.architecture", List.of("vgg16"));
    assertThatThrownBy(
            () ->
                Planner.plan(
                    ClassificationSteps.project(), ClassificationSteps.pipeline(), params, INPUTS))
        .isInstanceOf(PipelineValidationException.class)
        .satisfies(
            e ->
                assertThat(((PipelineValidationException) e).errors())
                    .extracting(Problem::toString)
                    .containsExactlyInAnyOrder(
                        "error: --param train.input_size=3: parameter \"input_size\": 3 is less"
                            + " than the minimum (4)",
                        "error: --param train.per_device_train_batch_size=1: parameter"
                            + " \"per_device_train_batch_size\": 1 is less than the minimum (2)",
                        "error: --param train.per_device_eval_batch_size=0: parameter"
                            + " \"per_device_eval_batch_size\": 0 is less than the minimum (1)",
                        "error: --param train.num_train_epochs=0: parameter \"num_train_epochs\":"
                            + " 0 is less than the minimum (1)",
                        "error: --param train.architecture=vgg16: parameter \"architecture\":"
                            + " \"vgg16\" is not one of the choices (\"resnet50\", \"resnet18\","
                            + " \"simple-cnn\")"));
  }

  @Test
  void theDefaultsAreEasyMakers() {
    Plan plan =
        Planner.plan(ClassificationSteps.project(), ClassificationSteps.pipeline(), Map.of(), INPUTS);
    assertThat(plan.node("train").orElseThrow().parameters())
        .containsEntry("input_size", ParamValue.of(28))
        .containsEntry("learning_rate", ParamValue.of(0.1))
        .containsEntry("per_device_train_batch_size", ParamValue.of(16))
        .containsEntry("per_device_eval_batch_size", ParamValue.of(16))
        .containsEntry("num_train_epochs", ParamValue.of(3))
        .containsEntry("save_steps", ParamValue.of(500))
        .containsEntry("logging_steps", ParamValue.of(10))
        .containsEntry("architecture", ParamValue.of("resnet50"));
  }
}
