package dev.kiln.steps.detector;

import dev.kiln.steps.labels.ConvertOptions;
import dev.kiln.steps.labels.PlainConverter;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The synthetic shapes dataset laid out as the {@code train} step's inputs: {@code train/} and
 * {@code test/} TFRecord shards and {@code classes/classes.txt}, made with {@link
 * SyntheticDataset} and {@link PlainConverter} as the {@code convert-labels} step would.
 */
public final class ShapesData {
  private ShapesData() {}

  /** Generates {@code count} images of {@code size} pixels and returns the inputs folder. */
  public static Path prepare(Path work, int count, int size, long seed) throws IOException {
    Path raw = work.resolve("synthetic");
    SyntheticDataset.generate(SyntheticDataset.Options.of(count, size, seed, raw));
    Path converted = work.resolve("converted");
    PlainConverter.convert(
        ConvertOptions.builder().setInput(raw).setOutputDir(converted).build());
    Path inputs = work.resolve("inputs");
    for (String split : List.of("train", "test")) {
      Files.createDirectories(inputs.resolve(split));
    }
    Files.createDirectories(inputs.resolve("classes"));
    // convert-labels writes train/train-*.tfrecord and test/test-*.tfrecord
    try (Stream<Path> files = Files.walk(converted, 2)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String n = f.getFileName().toString();
        if (n.startsWith("train-")) {
          Files.copy(f, inputs.resolve("train").resolve(n));
        } else if (n.startsWith("test-")) {
          Files.copy(f, inputs.resolve("test").resolve(n));
        } else if (n.equals(PlainConverter.CLASSES_FILE)) {
          Files.copy(f, inputs.resolve("classes").resolve(n));
        }
      }
    }
    return inputs;
  }
}
