package dev.kiln.steps;

import dev.kiln.pipelines.InputPort;
import dev.kiln.pipelines.OutputPort;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.types.ClassNames;
import dev.kiln.pipelines.types.Detections;
import dev.kiln.pipelines.types.Files;
import dev.kiln.pipelines.types.LabeledDataset;
import dev.kiln.pipelines.types.Metrics;

/**
 * {@code evaluate}: COCO box AP of {@code detect}'s output against a COCO ground-truth file, with
 * pycocotools' semantics; the twelve numbers become metadata ({@code AP}, {@code AP50}, ...).
 */
public final class Evaluate {
  private Evaluate() {}

  public static final String NAME = "evaluate";

  /** The ground truth: one COCO JSON file whose images are the ones detect saw. */
  public static final InputPort<LabeledDataset> ANNOTATIONS =
      InputPort.of("annotations", LabeledDataset.class);

  public static final InputPort<Detections> DETECTIONS =
      InputPort.of("detections", Detections.class);

  public static final InputPort<ClassNames> CLASSES = InputPort.of("classes", ClassNames.class);

  public static final OutputPort<Metrics> METRICS =
      OutputPort.of("metrics", "metrics.json", Metrics.class);

  public static final OutputPort<Files> RESULTS =
      OutputPort.of("results", "detections.coco.json", Files.class);

  public static final Step STEP =
      Step.builder(NAME, new StepRun.JavaFunction("dev.kiln.steps.evaluate.EvaluateFunction"))
          .optDescription("COCO box AP of detections against ground truth (pycocotools semantics)")
          .addInput(ANNOTATIONS)
          .addInput(DETECTIONS)
          .addInput(CLASSES)
          .addOutput(METRICS)
          .addOutput(RESULTS)
          .build();
}
