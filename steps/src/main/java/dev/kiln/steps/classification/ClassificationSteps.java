package dev.kiln.steps.classification;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputPort;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.KeepDirectories;
import dev.kiln.pipelines.OutputPort;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Resources;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.dsl.PipelineBuilder;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.types.Files;
import dev.kiln.pipelines.types.ImageSet;
import dev.kiln.pipelines.types.Metrics;
import dev.kiln.pipelines.validation.Validator;
import java.util.List;

/**
 * The image-classification steps ({@code train-classification}, {@code classify}) and the {@code
 * image-classification} reference pipeline ({@code train} feeding {@code predict}). The parameter
 * constants are read by the step functions too, so each default is written once, here.
 */
public final class ClassificationSteps {
  private ClassificationSteps() {}

  public static final String TRAIN_NAME = "train-classification";
  public static final String CLASSIFY_NAME = "classify";
  public static final String PIPELINE = "image-classification";

  /** The classpath resource of the pipeline written as valohai.yaml. */
  public static final String YAML_RESOURCE = "/dev/kiln/steps/image-classification/valohai.yaml";

  /** A classifier's {@code model/} folder ({@link SavedClassifier}). */
  public abstract static class ClassifierModel extends Files {
    private ClassifierModel() {}
  }

  // EasyMaker's hyperparameters: names, defaults and ranges as its documentation gives them
  public static final ParameterSpec INPUT_SIZE =
      integer("input_size", 28, 4, "side in pixels the images are stretched to");
  public static final ParameterSpec LEARNING_RATE =
      ParameterSpec.builder("learning_rate", ParameterType.FLOAT)
          .optDefault(0.1)
          .optMin(1e-9)
          .optMax(10.0)
          .optDescription("AdamW's initial learning rate (decays linearly to 1% of it)")
          .build();
  public static final ParameterSpec TRAIN_BATCH =
      integer("per_device_train_batch_size", 16, 2, "training images per batch");
  public static final ParameterSpec EVAL_BATCH =
      integer("per_device_eval_batch_size", 16, 1, "images per forward pass in evaluation");
  public static final ParameterSpec EPOCHS =
      integer("num_train_epochs", 3, 1, "passes over the training split");
  public static final ParameterSpec SAVE_STEPS =
      integer("save_steps", 500, 1, "steps between checkpoints (each scored on validation)");
  public static final ParameterSpec LOGGING_STEPS =
      integer("logging_steps", 10, 1, "steps between training metric lines");
  public static final ParameterSpec ARCHITECTURE =
      ParameterSpec.builder("architecture", ParameterType.STRING)
          .optDefault(ClassifierNetworks.RESNET50)
          .optChoices(ClassifierNetworks.ARCHITECTURES.stream().map(ParamValue::of).toList())
          .optDescription("the network when no model input is given")
          .build();
  // Kiln's own additions
  public static final ParameterSpec TIME_LIMIT =
      ParameterSpec.builder("time_limit_seconds", ParameterType.FLOAT)
          .optDefault(0.0)
          .optMin(0.0)
          .optMax(1e7)
          .optDescription("stop training after this long; 0: no limit")
          .build();
  public static final ParameterSpec SEED = integer("seed", 42, 0, "shuffling and initialisation seed");

  public static final InputPort<ImageSet> TRAIN = folderInput("train", false);
  public static final InputPort<ImageSet> VALIDATION = folderInput("validation", false);
  public static final InputPort<ImageSet> TEST = folderInput("test", true);
  public static final InputPort<ClassifierModel> MODEL =
      InputPort.optional("model", ClassifierModel.class);

  public static final OutputPort<ClassifierModel> TRAINED =
      OutputPort.of("model", "model/*", ClassifierModel.class);
  public static final OutputPort<Files> CHECKPOINTS =
      OutputPort.of("checkpoints", "checkpoints/*", Files.class);
  public static final OutputPort<Metrics> METRICS =
      OutputPort.of("metrics", "metrics/*", Metrics.class);

  public static final Step TRAIN_STEP =
      Step.builder(
              TRAIN_NAME,
              new StepRun.JavaFunction("dev.kiln.steps.classification.TrainClassificationFunction"))
          .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.DJL).withGpus(1))
          .optDescription("Trains an image classifier on {label}/image folders (EasyMaker layout)")
          .addParameter(INPUT_SIZE)
          .addParameter(LEARNING_RATE)
          .addParameter(TRAIN_BATCH)
          .addParameter(EVAL_BATCH)
          .addParameter(EPOCHS)
          .addParameter(SAVE_STEPS)
          .addParameter(LOGGING_STEPS)
          .addParameter(ARCHITECTURE)
          .addParameter(TIME_LIMIT)
          .addParameter(SEED)
          .addInput(TRAIN)
          .addInput(VALIDATION)
          .addInput(TEST)
          .addInput(MODEL)
          .addOutput(TRAINED)
          .addOutput(CHECKPOINTS)
          .addOutput(METRICS)
          .build();

  public static final InputPort<ClassifierModel> CLASSIFY_MODEL =
      InputPort.of("model", ClassifierModel.class);
  public static final InputPort<ImageSet> IMAGES = folderInput("images", false);
  public static final OutputPort<Files> PREDICTIONS =
      OutputPort.of("predictions", "predictions/*", Files.class);

  public static final Step CLASSIFY_STEP =
      Step.builder(
              CLASSIFY_NAME,
              new StepRun.JavaFunction("dev.kiln.steps.classification.ClassifyFunction"))
          .optResources(Resources.DEFAULT.withExecutor(ExecutorKind.DJL))
          .optDescription("Classifies images: per image every label with its score, best first")
          .addParameter(EVAL_BATCH)
          .addInput(CLASSIFY_MODEL)
          .addInput(IMAGES)
          .addOutput(PREDICTIONS)
          .build();

  /**
   * The reference pipeline: {@code train} (inputs {@code train}, {@code validation}, {@code test})
   * feeding {@code predict}, which classifies the images given to its {@code images} input.
   */
  public static Project project() {
    var p = PipelineBuilder.named(PIPELINE);
    var train = p.execution("train", TRAIN_STEP);
    var predict = p.execution("predict", CLASSIFY_STEP);
    train.output(TRAINED).to(predict.input(CLASSIFY_MODEL));
    return p.project();
  }

  public static Pipeline pipeline() {
    return project().pipelines().get(0);
  }

  /** The steps of this family, for the step registry. */
  public static List<Step> steps() {
    return List.of(TRAIN_STEP, CLASSIFY_STEP);
  }

  static int intParam(StepContext c, ParameterSpec spec) {
    return Math.toIntExact(Math.round(number(c, spec)));
  }

  /**
   * A numeric parameter, or its declared default; out of the declared range it is refused with the
   * runner's own wording, so a step run without the planner (tests, {@code kiln step}) refuses it
   * too, before anything runs.
   */
  static double number(StepContext c, ParameterSpec spec) {
    String name = spec.name();
    ParamValue v;
    if (c.parameter(name).isEmpty()) {
      v = spec.defaultValue().orElseThrow();
    } else if (spec.type() == ParameterType.INTEGER) {
      v = ParamValue.of(c.longParameter(name));
    } else {
      v = ParamValue.of(c.doubleParameter(name));
    }
    check(spec, v);
    return v instanceof ParamValue.IntValue i ? i.value() : Double.parseDouble(v.render());
  }

  static String text(StepContext c, ParameterSpec spec) {
    ParamValue v = c.parameter(spec.name()).orElse(spec.defaultValue().orElseThrow());
    check(spec, v);
    return v.render();
  }

  private static void check(ParameterSpec spec, ParamValue v) {
    List<String> problems = Validator.checkValue(spec, v);
    if (!problems.isEmpty()) {
      throw new ClassificationInputException(
          "parameter \"" + spec.name() + "\": " + String.join("; ", problems));
    }
  }

  private static ParameterSpec integer(String name, long dflt, long min, String description) {
    return ParameterSpec.builder(name, ParameterType.INTEGER)
        .optDefault(dflt)
        .optMin((double) min)
        .optDescription(description)
        .build();
  }

  private static InputPort<ImageSet> folderInput(String name, boolean optional) {
    return new InputPort<>(
        InputSpec.builder(name)
            .optOptional(optional)
            .optKeepDirectories(KeepDirectories.SUFFIX)
            .build(),
        ImageSet.class);
  }
}
