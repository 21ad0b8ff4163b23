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

  /** The pipeline with its five steps. */
  public static Project project() {
    var p = PipelineBuilder.named(NAME);
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
    return p.project();
  }

  public static Pipeline pipeline() {
    return project().pipelines().get(0);
  }
}
