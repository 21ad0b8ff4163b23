package dev.kiln.steps.convert;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.steps.ConvertLabels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A {@link StepContext} over a folder laid out like an execution ({@code inputs/<name>/}, {@code
 * outputs/}), with the step's parameter defaults, that records what the step reports. Other
 * modules' tests may use it as a pattern; the runner has the real one.
 */
final class RecordingContext implements StepContext {
  final Path root;
  final Map<String, ParamValue> parameters = new HashMap<>();
  final Map<String, String> engineOptions;
  final List<Map<String, ?>> metrics = new CopyOnWriteArrayList<>();
  final List<String> lines = new CopyOnWriteArrayList<>();
  final List<long[]> progress = new CopyOnWriteArrayList<>();

  RecordingContext(Path root, Map<String, String> engineOptions) {
    this.root = root;
    this.engineOptions = Map.copyOf(engineOptions);
    for (ParameterSpec p : ConvertLabels.STEP.parameters()) {
      p.defaultValue().ifPresent(v -> parameters.put(p.name(), v));
    }
  }

  @Override
  public String executionId() {
    return "test-1";
  }

  @Override
  public Optional<ParamValue> parameter(String name) {
    return Optional.ofNullable(parameters.get(name));
  }

  @Override
  public List<Path> inputFiles(String inputName) {
    Path dir = inputDir(inputName);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Path inputDir(String inputName) {
    return root.resolve("inputs").resolve(inputName);
  }

  @Override
  public Path outputDir() {
    return root.resolve("outputs");
  }

  @Override
  public void logMetrics(Map<String, ?> values) {
    metrics.add(Map.copyOf(values));
  }

  @Override
  public void log(String line) {
    lines.add(line);
  }

  @Override
  public Map<String, String> engineOptions() {
    return engineOptions;
  }

  @Override
  public void progress(String what, long done, long total) {
    progress.add(new long[] {done, total});
  }
}
