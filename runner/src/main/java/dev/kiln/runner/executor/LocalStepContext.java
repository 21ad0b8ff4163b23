package dev.kiln.runner.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.runner.process.OutputLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A {@link StepContext} over an execution directory, reporting to an execution listener. */
public final class LocalStepContext implements StepContext {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExecutionRequest request;
  private final ExecutionListener listener;

  private final Map<String, String> engineOptions;

  public LocalStepContext(
      ExecutionRequest request, ExecutionListener listener, Map<String, String> engineOptions) {
    this.request = request;
    this.listener = listener;
    this.engineOptions = Map.copyOf(engineOptions);
  }

  @Override
  public Map<String, String> engineOptions() {
    return engineOptions;
  }

  @Override
  public void reportDevice(String device) {
    log("device: " + device);
    listener.device(device);
  }

  @Override
  public String executionId() {
    return request.executionId();
  }

  @Override
  public Optional<ParamValue> parameter(String name) {
    return Optional.ofNullable(request.parameters().get(name));
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
      throw new UncheckedIOException("cannot list input " + inputName + " in " + dir, e);
    }
  }

  @Override
  public Path inputDir(String inputName) {
    return request.directory().inputDir(inputName);
  }

  @Override
  public Path outputDir() {
    return request.directory().outputsDir();
  }

  @Override
  public void logMetrics(Map<String, ?> values) {
    Instant now = Instant.now();
    ObjectNode node = JSON.valueToTree(values);
    if (!node.has("_time")) {
      node.put("_time", now.toString());
    }
    listener.line(new OutputLine(now, OutputLine.Stream.STDOUT, node.toString()));
    listener.metadata(node);
  }

  @Override
  public void log(String line) {
    listener.line(new OutputLine(Instant.now(), OutputLine.Stream.STDOUT, line));
  }
}
