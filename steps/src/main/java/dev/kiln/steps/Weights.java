package dev.kiln.steps;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputPort;
import dev.kiln.pipelines.OutputPort;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.types.DarknetWeights;
import dev.kiln.pipelines.types.DetectorModel;

/**
 * {@code weights}: reads Darknet {@code .weights} into a YOLOv3 (or YOLOv3-tiny, or shapes-tiny)
 * model built from a Darknet cfg, checks it with a forward pass and writes it.
 */
public final class Weights {
  private Weights() {}

  public static final String NAME = "weights";

  public static final InputPort<DarknetWeights> WEIGHTS =
      InputPort.optional("weights", DarknetWeights.class);

  public static final OutputPort<DetectorModel> MODEL =
      OutputPort.of("model", "model/*", DetectorModel.class);

  public static final Step STEP =
      Step.builder(NAME, new StepRun.JavaFunction("dev.kiln.steps.detector.WeightsFunction"))
          .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.DJL))
          .optDescription("Loads Darknet weights into a DJL detector")
          .addParameter(
              Params.integer("weights_num_classes", 80, 1, "classes the weights were trained on"))
          .addParameter(
              Params.choice(
                  "cfg", "yolov3", "the Darknet cfg", "yolov3", "yolov3-tiny", "shapes-tiny"))
          .addInput(WEIGHTS)
          .addOutput(MODEL)
          .build();
}
