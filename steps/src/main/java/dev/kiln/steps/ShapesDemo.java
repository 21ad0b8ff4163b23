package dev.kiln.steps;

import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.dsl.PipelineBuilder;

/**
 * The demo pipeline: the reference pipeline ({@link TrainSuperbai}: {@code convert} and {@code
 * weights} in parallel, then {@code train}, then {@code detect}) with {@code detect} fed the
 * held-out TFRecords {@code convert} wrote and an {@code evaluate} node scoring the detections
 * against the held-out ground truth. {@code kiln demo} runs it on the synthetic shapes dataset; the
 * same pipeline ships as valohai.yaml ({@link TrainSuperbai#YAML_RESOURCE}, pipeline {@value
 * #NAME}).
 */
public final class ShapesDemo {
  private ShapesDemo() {}

  public static final String NAME = "shapes-demo";

  /** The demo with {@code train} tuned ({@code kiln demo --tune}). */
  public static final String TUNED_NAME = "shapes-demo-tuned";

  /** The pipeline with its five steps. */
  public static Project project() {
    return build(NAME, false);
  }

  /**
   * The demo pipeline with {@code train} a task node: initial_learning_rate searched on a log scale
   * from 0.001 to 0.1 (AI Platform's UNIT_LOG_SCALE), 6 trials, 2 at a time, maximising the
   * held-out AP that train prints; {@code detect} then runs the best trial's model.
   */
  public static Project tunedProject() {
    return build(TUNED_NAME, true);
  }

  private static Project build(String name, boolean tuned) {
    var p = PipelineBuilder.named(name);
    var convert = p.execution("convert", ConvertLabels.STEP);
    var weights = p.execution("weights", Weights.STEP);
    var train = p.execution("train", Train.STEP);
    var detect = p.execution("detect", Detect.STEP);
    var evaluate = p.execution("evaluate", Evaluate.STEP);
    convert.output(ConvertLabels.CLASSES).to(train.input(Train.CLASSES));
    convert.output(ConvertLabels.TRAIN).to(train.input(Train.TRAIN));
    convert.output(ConvertLabels.TEST).to(train.input(Train.TEST));
    convert.output(ConvertLabels.CLASSES).to(detect.input(Detect.CLASSES));
    weights.output(Weights.MODEL).to(train.input(Train.MODEL));
    train.output(Train.TRAINED).to(detect.input(Detect.MODEL));
    convert.output(ConvertLabels.TEST).to(detect.input(Detect.IMAGE));
    detect.output(Detect.DETECTIONS).to(evaluate.input(Evaluate.DETECTIONS));
    convert.output(ConvertLabels.CLASSES).to(evaluate.input(Evaluate.CLASSES));
    if (tuned) {
      p.tune(train)
          .logUniform("initial_learning_rate", 1e-3, 1e-1)
          .maximize("AP")
          .maxTrials(6)
          .maxParallelTrials(2);
    }
    return p.project();
  }

  public static Pipeline pipeline() {
    return project().pipelines().get(0);
  }
}
