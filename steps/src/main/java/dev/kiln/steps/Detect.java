package dev.kiln.steps;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputPort;
import dev.kiln.pipelines.OutputPort;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.types.ClassNames;
import dev.kiln.pipelines.types.Detections;
import dev.kiln.pipelines.types.DetectorModel;
import dev.kiln.pipelines.types.Files;
import dev.kiln.pipelines.types.ImageSet;

/**
 * {@code detect}: batch inference; per image a JSON of boxes, classes and scores, and the image
 * with the boxes drawn.
 */
public final class Detect {
  private Detect() {}

  public static final String NAME = "detect";

  public static final InputPort<ClassNames> CLASSES = InputPort.of("classes", ClassNames.class);
  public static final InputPort<DetectorModel> MODEL = InputPort.of("model", DetectorModel.class);
  /** Image files, or TFRecord shards of tf.Example (what convert-labels writes). */
  public static final InputPort<Files> IMAGE = InputPort.optional("image", Files.class);
  /** A Superb AI project.json whose class ids the Superb AI pre-labels use. */
  public static final InputPort<Files> PROJECT = InputPort.optional("project", Files.class);

  public static final OutputPort<Detections> DETECTIONS =
      OutputPort.of("detections", "detections/*", Detections.class);
  public static final OutputPort<ImageSet> DRAWN =
      OutputPort.of("drawn", "drawn/*", ImageSet.class);
  /** Pre-labels for model-assisted labelling, when {@code prelabels} is not {@code none}. */
  public static final OutputPort<Files> PRELABELS =
      OutputPort.of("prelabels", "prelabels/*", Files.class);

  public static final Step STEP =
      Step.builder(NAME, new StepRun.JavaFunction("dev.kiln.steps.detector.DetectFunction"))
          .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.DJL))
          .optDescription("Finds objects in images")
          .addParameter(Params.integer("size", 416, 32, "input image size in pixels"))
          .addParameter(Params.real("iou_threshold", 0.5, 0.0, 1.0, "IoU above which NMS drops"))
          .addParameter(Params.real("score_threshold", 0.5, 0.0, 1.0, "lowest score kept"))
          .addParameter(Params.integer("batch_size", 8, 1, "images per forward pass"))
          .addParameter(
              Params.choice(
                  "prelabels",
                  "none",
                  "also write the predictions as pre-labels: COCO results, a Superb AI export,"
                      + " both or none",
                  "none",
                  "coco",
                  "superbai",
                  "both"))
          .addParameter(
              Params.real(
                  "prelabel_score_threshold", 0.5, 0.0, 1.0, "lowest score written as a pre-label"))
          .addInput(CLASSES)
          .addInput(MODEL)
          .addInput(IMAGE)
          .addInput(PROJECT)
          .addOutput(DETECTIONS)
          .addOutput(DRAWN)
          .addOutput(PRELABELS)
          .build();
}
