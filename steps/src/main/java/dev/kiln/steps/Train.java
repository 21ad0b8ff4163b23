package dev.kiln.steps;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputPort;
import dev.kiln.pipelines.OutputPort;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
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
              Params.real(
                  "initial_learning_rate",
                  0,
                  0.0,
                  10.0,
                  "the same as learning_rate (the cloud built-ins' name); 0: use learning_rate"))
          .addParameter(
              Params.integer("weights_num_classes", 80, 1, "classes of the starting weights"))
          .addParameter(Params.integer("size", 416, 32, "input image size in pixels"))
          .addParameter(
              Params.integer("max_steps", 0, 0, "optimiser steps; 0 means epochs decide"))
          .addParameter(
              Params.integer("warmup_steps", 100, 0, "steps of linear learning-rate warm-up"))
          .addParameter(
              Params.integer("train_steps_per_eval", 200, 1, "steps between evaluations"))
          .addParameter(
              Params.integer("num_eval_images", 0, 0, "test images evaluated; 0 means all"))
          .addParameter(
              Params.real("aug_scale_min", 0.8, 0.1, 10.0, "smallest random scale factor"))
          .addParameter(
              Params.real("aug_scale_max", 1.2, 0.1, 10.0, "largest random scale factor"))
          .addParameter(
              Params.real(
                  "time_limit_seconds", 0, 0, 1e7, "stop training after this long; 0: no limit"))
          .addParameter(Params.integer("seed", 42, 0, "shuffling and augmentation seed"))
          .addParameter(
              Params.choice(
                  "cfg",
                  "shapes-tiny",
                  "the network when no model input is given",
                  "yolov3",
                  "yolov3-tiny",
                  "shapes-tiny"))
          .addInput(CLASSES)
          .addInput(TRAIN)
          .addInput(TEST)
          .addInput(MODEL)
          .addOutput(TRAINED)
          .build();
}
