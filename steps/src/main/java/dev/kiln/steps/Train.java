package dev.kiln.steps;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.dsl.InputPort;
import dev.kiln.pipelines.dsl.OutputPort;
import dev.kiln.pipelines.types.ClassNames;
import dev.kiln.pipelines.types.DetectorModel;
import dev.kiln.pipelines.types.TfRecordShards;

/**
 * {@code train}: trains the detector with DJL on TFRecord shards, optionally from a starting
 * model, logging JSON metrics and keeping the checkpoint with the best validation AP.
 */
public final class Train {
  private Train() {}

  public static final String NAME = "train";

  public static final InputPort<ClassNames> CLASSES = InputPort.of("classes", ClassNames.class);
  public static final InputPort<TfRecordShards> TRAIN =
      InputPort.of("train", TfRecordShards.class);
  public static final InputPort<TfRecordShards> TEST = InputPort.of("test", TfRecordShards.class);
  public static final InputPort<DetectorModel> MODEL =
      InputPort.optional("model", DetectorModel.class);

  public static final OutputPort<DetectorModel> TRAINED =
      OutputPort.of("model", "model/*", DetectorModel.class);

  public static final Step STEP =
      Step.builder(NAME, new StepRun.JavaFunction("dev.kiln.steps.detector.TrainFunction"))
          .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.DJL).withGpus(1))
          .optDescription("Trains the detector")
          .addParameter(Params.integer("batch_size", 8, 1, "images per batch"))
          .addParameter(Params.integer("epochs", 10, 1, "passes over the training set"))
          .addParameter(Params.real("learning_rate", 0.001, 0.0, 10.0, "initial learning rate"))
          .addParameter(
              Params.integer("weights_num_classes", 80, 1, "classes of the starting weights"))
          .addParameter(Params.integer("size", 416, 32, "input image size in pixels"))
          .addInput(CLASSES)
          .addInput(TRAIN)
          .addInput(TEST)
          .addInput(MODEL)
          .addOutput(TRAINED)
          .build();
}
