package dev.kiln.steps.detector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.spi.StepContext;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link StepContext} over plain folders ({@code inputs/<name>/}, an output folder) that prints
 * logs and metrics lines to a stream. It lets the detector steps run without an orchestrator: the
 * benchmark entry point uses it, and so do the tests, which read back {@link #metrics()}.
 */
public final class FolderStepContext implements StepContext {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, ParamValue> parameters;
  private final Path inputsDir;
  private final Path outputDir;
  private final PrintStream out;
  private final List<Map<String, Object>> metrics = new ArrayList<>();
  private final List<String> lines = new ArrayList<>();
  private volatile String device = "";

  public FolderStepContext(
      Map<String, ParamValue> parameters, Path inputsDir, Path outputDir, PrintStream out) {
    this.parameters = Map.copyOf(parameters);
    this.inputsDir = inputsDir;
    this.outputDir = outputDir;
    this.out = out;
  }

  @Override
  public String executionId() {
    return "local";
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
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Path inputDir(String inputName) {
    return inputsDir.resolve(inputName);
  }

  @Override
  public Path outputDir() {
    return outputDir;
  }

  @Override
  public synchronized void logMetrics(Map<String, ?> values) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.putIfAbsent("_time", Instant.now().toString());
    metrics.add(copy);
    try {
      out.println(JSON.writeValueAsString(copy));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void log(String line) {
    lines.add(line);
    out.println(line);
  }

  @Override
  public void reportDevice(String d) {
    device = d;
    log("device: " + d);
  }

  /** Metrics logged so far, in order. */
  public synchronized List<Map<String, Object>> metrics() {
    return List.copyOf(metrics);
  }

  /** Log lines so far, in order. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** The device reported, or empty. */
  public String device() {
    return device;
  }
}
