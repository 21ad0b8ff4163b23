package dev.kiln.steps;

import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.dsl.PipelineBuilder;

/**
 * The reference pipeline: {@code convert-superbai} (a Superb AI Suite export to TFRecords, split by
 * its tags) and {@code weights} in parallel, then {@code train}, then {@code detect}, node for node
 * and edge for edge the {@code train-superbai} pipeline of the yolov3-tf2 Valohai example.
 * The same pipeline ships as valohai.yaml ({@link #YAML_RESOURCE}).
 */
public final class TrainSuperbai {
  private TrainSuperbai() {}

  public static final String NAME = "train-superbai";

  /** The classpath resource of the same pipeline written as valohai.yaml. */
  public static final String YAML_RESOURCE = "/dev/kiln/steps/train-superbai/valohai.yaml";

  /** The pipeline with its four steps. */
  public static Project project() {
    var p = PipelineBuilder.named(NAME);
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
    return p.project();
  }

  public static Pipeline pipeline() {
    return project().pipelines().get(0);
  }
}
