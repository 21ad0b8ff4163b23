package dev.kiln.steps;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputPort;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.KeepDirectories;
import dev.kiln.pipelines.OutputPort;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.types.ClassNames;
import dev.kiln.pipelines.types.Files;
import dev.kiln.pipelines.types.ImageSet;
import dev.kiln.pipelines.types.LabeledDataset;
import dev.kiln.pipelines.types.TfRecordShards;

/**
 * {@code convert-labels}: a labelled dataset in a common format to TensorFlow-compatible TFRecord
 * shards split into train and test, plus {@code classes.txt}. Runs as an Apache Beam pipeline.
 */
public final class ConvertLabels {
  private ConvertLabels() {}

  public static final String NAME = "convert-labels";

  /**
   * The images, when the labels do not sit beside them. Folders are kept ({@code
   * keep-directories: suffix}): split folders and class folders carry meaning, and two splits may
   * hold files of the same name.
   */
  public static final InputPort<ImageSet> IMAGES =
      new InputPort<>(
          InputSpec.builder("images")
              .optOptional(true)
              .optKeepDirectories(KeepDirectories.SUFFIX)
              .build(),
          ImageSet.class);

  /**
   * The annotations (COCO, SageMaker, VOC, YOLO, folders, CSV, a Superb AI Suite export), folders
   * kept as for images.
   */
  public static final InputPort<LabeledDataset> LABELS =
      new InputPort<>(
          InputSpec.builder("labels").optKeepDirectories(KeepDirectories.SUFFIX).build(),
          LabeledDataset.class);

  /**
   * Optional train/test file lists: one file per split named after it ({@code train.txt}, {@code
   * test.txt}), one image id, file name or file stem per line.
   */
  public static final InputPort<Files> SPLIT_LISTS = InputPort.optional("split_lists", Files.class);

  public static final OutputPort<ClassNames> CLASSES =
      OutputPort.of("classes", "classes.txt", ClassNames.class);
  public static final OutputPort<TfRecordShards> TRAIN =
      OutputPort.of("train", "train/*", TfRecordShards.class);
  public static final OutputPort<TfRecordShards> TEST =
      OutputPort.of("test", "test/*", TfRecordShards.class);
  public static final OutputPort<Files> REJECTED =
      OutputPort.of("rejected", "rejected.jsonl", Files.class);

  public static final Step STEP =
      Step.builder(NAME, new StepRun.JavaFunction("dev.kiln.steps.convert.ConvertLabelsFunction"))
          .optResources(dev.kiln.pipelines.Resources.DEFAULT.withExecutor(ExecutorKind.BEAM))
          .optDescription("Converts labelled images to TFRecord shards of tf.Example")
          .addParameter(
              Params.choice(
                  "format",
                  "auto",
                  "the label format; auto detects it",
                  "auto", "coco", "sagemaker", "manifest", "voc", "yolo", "folders", "csv",
                  "superbai",
                  "recordio", "lst"))
          .addParameter(Params.real("test_ratio", 0.2, 0.0, 1.0, "share of images for test/"))
          .addParameter(Params.integer("seed", 42, "seed of the train/test split"))
          .addParameter(
              Params.choice(
                  "split",
                  "auto",
                  "auto: the split_lists input if given, else the source's split tags (folders,"
                      + " columns), else test_ratio by seed; tags: tags only; ratio: test_ratio by"
                      + " seed, ignoring tags; files: the split_lists input only",
                  "auto", "tags", "ratio", "files"))
          .addParameter(Params.integer("shards", 4, 1, "TFRecord files per split"))
          .addParameter(
              Params.choice(
                  "output_format",
                  "tfrecord",
                  "tfrecord: TFRecord shards of tf.Example; recordio: MXNet RecordIO .rec files"
                      + " with their .idx, for SageMaker's object detector",
                  "tfrecord",
                  "recordio"))
          .addParameter(
              Params.choice(
                  "box_policy", "clip", "boxes outside the image: clip or reject", "clip",
                  "reject"))
          .addParameter(
              Params.choice(
                  "polygons",
                  "skip",
                  "Superb AI polygons: skip (counted as unsupported-shape) or bbox (their bounding"
                      + " boxes)",
                  "skip",
                  "bbox"))
          .addParameter(
              Params.text(
                  "tag_splits",
                  "test=test,val=validation,validation=validation,*=train",
                  "Superb AI tags to splits, TAG=SPLIT in order, the first tag matched wins; *:"
                      + " images matching none"))
          .addInput(IMAGES)
          .addInput(LABELS)
          .addInput(SPLIT_LISTS)
          .addOutput(CLASSES)
          .addOutput(TRAIN)
          .addOutput(TEST)
          .addOutput(REJECTED)
          .build();

  /** The name of the Superb AI preset, the first node of the seed pipeline. */
  public static final String SUPERBAI_NAME = "convert-superbai";

  /**
   * {@code convert-superbai}: {@code convert-labels} preset for a Superb AI Suite export, with the
   * images as input {@code images}: {@code format=superbai} and {@code split=tags} by default, as
   * the yolov3-tf2 seed's converter (test iff an item is tagged {@code test}). Same function,
   * inputs, outputs and other parameters.
   */
  public static final Step SUPERBAI =
      Step.builder(SUPERBAI_NAME, STEP.run())
          .optResources(STEP.resources())
          .optDescription(
              "Converts a Superb AI Suite export to TFRecord shards, split by the export's tags")
          .optParameters(
              STEP.parameters().stream()
                  .map(
                      p ->
                          p.name().equals("format")
                              ? p.toBuilder().optDefault("superbai").build()
                              : p.name().equals("split")
                                  ? p.toBuilder().optDefault("tags").build()
                                  : p)
                  .toList())
          .optInputs(STEP.inputs())
          .optOutputs(STEP.outputs())
          .build();
}
