package dev.kiln.steps.labels;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.kiln.steps.tfrecord.ShardedTfRecordWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of one {@code convert-labels} run. Build with {@link #builder()}: {@code setInput} and
 * {@code setOutputDir} are required, {@code opt*} have defaults.
 *
 * @param input the dataset folder or annotation file
 * @param outputDir where shards, {@code classes.txt}, {@code rejected.jsonl} and {@code stats.json}
 *     go
 * @param format the label format, or empty to detect it
 * @param splitter how images are split (default: the source's tags, else 80% train by seed 42)
 * @param boxPolicy what to do with boxes outside the image (default {@link BoxPolicy#CLIP})
 * @param shards shard files per split (default 1)
 * @param assignment how records pick a shard (default by key hash, order-independent)
 * @param classes a fixed class list, or empty to take the source's (see {@link ClassList#build})
 * @param progressEvery log a progress line every this many images
 * @param inputRoots further folders images may be read from besides the input's own (e.g. the
 *     step's input folders when the input is a tree of links to them); nothing outside is opened
 * @param formatOptions settings only some formats read, by name (Superb AI: {@code polygons},
 *     {@code tag_splits}); see {@link LabelFormat#reader(Map)}
 * @param outputFormat what the shards hold (default {@link OutputFormat#TFRECORD})
 */
public record ConvertOptions(
    Path input,
    Path outputDir,
    Optional<LabelFormat> format,
    Splitter splitter,
    BoxPolicy boxPolicy,
    int shards,
    ShardedTfRecordWriter.Assignment assignment,
    Optional<ClassList> classes,
    int progressEvery,
    List<Path> inputRoots,
    Map<String, String> formatOptions,
    OutputFormat outputFormat) {

  /** The default split: the source's own tags, otherwise 80% train / 20% test with seed 42. */
  public static final Splitter DEFAULT_SPLITTER = new Splitter.ByTag(new Splitter.ByRatio(0.8, 42));

  public ConvertOptions {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(outputDir, "outputDir");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(splitter, "splitter");
    Objects.requireNonNull(boxPolicy, "boxPolicy");
    Objects.requireNonNull(assignment, "assignment");
    Objects.requireNonNull(classes, "classes");
    Objects.requireNonNull(outputFormat, "outputFormat");
    inputRoots = List.copyOf(inputRoots);
    formatOptions = Map.copyOf(formatOptions);
    checkArgument(shards >= 1, "shards must be at least 1, got %s", shards);
    checkArgument(progressEvery >= 1, "progressEvery must be at least 1, got %s", progressEvery);
  }

  /** As before format options existed: none. */
  public ConvertOptions(
      Path input,
      Path outputDir,
      Optional<LabelFormat> format,
      Splitter splitter,
      BoxPolicy boxPolicy,
      int shards,
      ShardedTfRecordWriter.Assignment assignment,
      Optional<ClassList> classes,
      int progressEvery,
      List<Path> inputRoots) {
    this(input, outputDir, format, splitter, boxPolicy, shards, assignment, classes, progressEvery,
        inputRoots, Map.of());
  }

  /** As before output formats existed: TFRecord. */
  public ConvertOptions(
      Path input,
      Path outputDir,
      Optional<LabelFormat> format,
      Splitter splitter,
      BoxPolicy boxPolicy,
      int shards,
      ShardedTfRecordWriter.Assignment assignment,
      Optional<ClassList> classes,
      int progressEvery,
      List<Path> inputRoots,
      Map<String, String> formatOptions) {
    this(input, outputDir, format, splitter, boxPolicy, shards, assignment, classes, progressEvery,
        inputRoots, formatOptions, OutputFormat.TFRECORD);
  }

  /** A reader for the format, configured by {@link #formatOptions}. */
  public LabelReader reader(LabelFormat format) {
    return format.reader(formatOptions);
  }

  /** The folders readers may open files in: the input's folder and {@link #inputRoots}. */
  public InputScope scope() {
    return InputScope.of(input, inputRoots);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder: {@link #setInput} and {@link #setOutputDir} are required. */
  public static final class Builder {
    private Path input;
    private Path outputDir;
    private LabelFormat format;
    private Splitter splitter = DEFAULT_SPLITTER;
    private BoxPolicy boxPolicy = BoxPolicy.CLIP;
    private int shards = 1;
    private ShardedTfRecordWriter.Assignment assignment = ShardedTfRecordWriter.Assignment.KEY_HASH;
    private ClassList classes;
    private int progressEvery = 1000;
    private List<Path> inputRoots = List.of();
    private Map<String, String> formatOptions = Map.of();
    private OutputFormat outputFormat = OutputFormat.TFRECORD;

    private Builder() {}

    public Builder setInput(Path input) {
      this.input = input;
      return this;
    }

    public Builder setOutputDir(Path outputDir) {
      this.outputDir = outputDir;
      return this;
    }

    public Builder optFormat(LabelFormat format) {
      this.format = format;
      return this;
    }

    public Builder optSplitter(Splitter splitter) {
      this.splitter = splitter;
      return this;
    }

    public Builder optBoxPolicy(BoxPolicy boxPolicy) {
      this.boxPolicy = boxPolicy;
      return this;
    }

    public Builder optShards(int shards) {
      this.shards = shards;
      return this;
    }

    public Builder optAssignment(ShardedTfRecordWriter.Assignment assignment) {
      this.assignment = assignment;
      return this;
    }

    public Builder optClasses(ClassList classes) {
      this.classes = classes;
      return this;
    }

    public Builder optProgressEvery(int progressEvery) {
      this.progressEvery = progressEvery;
      return this;
    }

    public Builder optInputRoots(List<Path> inputRoots) {
      this.inputRoots = List.copyOf(inputRoots);
      return this;
    }

    /** Format-specific settings by name, e.g. {@code polygons=bbox} for Superb AI exports. */
    public Builder optFormatOptions(Map<String, String> formatOptions) {
      this.formatOptions = Map.copyOf(formatOptions);
      return this;
    }

    public Builder optOutputFormat(OutputFormat outputFormat) {
      this.outputFormat = outputFormat;
      return this;
    }

    public ConvertOptions build() {
      checkState(input != null, "setInput(..) is required");
      checkState(outputDir != null, "setOutputDir(..) is required");
      return new ConvertOptions(
          input,
          outputDir,
          Optional.ofNullable(format),
          splitter,
          boxPolicy,
          shards,
          assignment,
          Optional.ofNullable(classes),
          progressEvery,
          inputRoots,
          formatOptions,
          outputFormat);
    }
  }
}
