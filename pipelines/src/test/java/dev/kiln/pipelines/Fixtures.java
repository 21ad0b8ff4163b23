package dev.kiln.pipelines;

import dev.kiln.pipelines.types.ClassNames;
import dev.kiln.pipelines.types.DetectorModel;
import dev.kiln.pipelines.types.Files;
import dev.kiln.pipelines.types.TfRecordShards;

/** Small typed steps for DSL and validator tests. */
public final class Fixtures {
  private Fixtures() {}

  public static final OutputPort<ClassNames> CLASSES_OUT =
      OutputPort.of("classes", "classes.txt", ClassNames.class);
  public static final OutputPort<TfRecordShards> TRAIN_OUT =
      OutputPort.of("train", "train/*", TfRecordShards.class);
  public static final OutputPort<DetectorModel> MODEL_OUT =
      OutputPort.of("model", "model/*", DetectorModel.class);

  public static final InputPort<ClassNames> CLASSES_IN = InputPort.of("classes", ClassNames.class);
  public static final InputPort<TfRecordShards> TRAIN_IN =
      InputPort.of("train", TfRecordShards.class);
  public static final InputPort<DetectorModel> MODEL_IN =
      InputPort.optional("model", DetectorModel.class);
  public static final InputPort<Files> ANY_IN = InputPort.optional("any", Files.class);

  public static final Step CONVERT =
      Step.command("convert", "python convert.py {parameters}")
          .addInput(InputSpec.of("labels"))
          .addOutput(CLASSES_OUT)
          .addOutput(TRAIN_OUT)
          .build();

  public static final Step TRAIN =
      Step.command("train", "python train.py {parameters}")
          .addParameter(
              ParameterSpec.builder("epochs", ParameterType.INTEGER)
                  .optDefault(10)
                  .optMin(1.0)
                  .optMax(1000.0)
                  .build())
          .addParameter(
              ParameterSpec.builder("optimizer", ParameterType.STRING)
                  .optDefault("adam")
                  .optChoices(java.util.List.of(ParamValue.of("adam"), ParamValue.of("sgd")))
                  .build())
          .addInput(CLASSES_IN)
          .addInput(TRAIN_IN)
          .addInput(MODEL_IN)
          .addInput(ANY_IN)
          .addOutput(MODEL_OUT)
          .build();
}
