package dev.kiln.runner.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ParamValue;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One execution's directory, laid out as Valohai lays it out:
 *
 * <pre>
 * inputs/&lt;input-name&gt;/&lt;files&gt;
 * outputs/
 * config/parameters.json  config/inputs.json  config/execution.json
 * </pre>
 *
 * Input files are hard links to the artifact store when it is on the same file system (no copy,
 * and a step cannot damage the stored original because the store's files are read-only), else
 * copies.
 */
public final class ExecutionDirectory {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  private ExecutionDirectory(Path root) {
    this.root = root;
  }

  /** Creates the folders of a new execution (or reuses them when an execution is resumed). */
  public static ExecutionDirectory create(Path root) throws IOException {
    Files.createDirectories(root.resolve("inputs"));
    Files.createDirectories(root.resolve("outputs"));
    Files.createDirectories(root.resolve("config"));
    return new ExecutionDirectory(root);
  }

  public Path root() {
    return root;
  }

  public Path inputsDir() {
    return root.resolve("inputs");
  }

  public Path inputDir(String inputName) {
    return inputsDir().resolve(inputName);
  }

  public Path outputsDir() {
    return root.resolve("outputs");
  }

  public Path configDir() {
    return root.resolve("config");
  }

  /** The {@code VH_*} variables a step sees. */
  public Map<String, String> environment(
      String executionId, String pipelineId, String nodeId, Path repositoryDir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VH_INPUTS_DIR", inputsDir().toString());
    env.put("VH_OUTPUTS_DIR", outputsDir().toString());
    env.put("VH_CONFIG_DIR", configDir().toString());
    env.put("VH_REPOSITORY_DIR", repositoryDir.toString());
    env.put("VH_EXECUTION_ID", executionId);
    env.put("VH_PIPELINE_ID", pipelineId);
    env.put("VH_PIPELINE_NODE_ID", nodeId);
    return env;
  }

  /**
   * Rewrites Valohai's absolute paths ({@code /valohai/inputs}, {@code /valohai/outputs}, {@code
   * /valohai/config}, {@code /valohai/repository}) in a command line to this execution's folders,
   * so commands written for Valohai's container layout run here.
   */
  public String rewriteValohaiPaths(String commandLine, Path repositoryDir) {
    return commandLine
        .replace("/valohai/inputs", quoteForShell(inputsDir()))
        .replace("/valohai/outputs", quoteForShell(outputsDir()))
        .replace("/valohai/config", quoteForShell(configDir()))
        .replace("/valohai/repository", quoteForShell(repositoryDir));
  }

  private static String quoteForShell(Path p) {
    String s = p.toString();
    return s.matches("[A-Za-z0-9_./-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /** Places input files and writes {@code config/inputs.json}. */
  public void placeInputs(Map<String, List<InputFile>> inputs) throws IOException {
    ObjectNode json = JSON.createObjectNode();
    for (var entry : inputs.entrySet()) {
      Path dir = inputDir(entry.getKey());
      Files.createDirectories(dir);
      ArrayNode files = json.putObject(entry.getKey()).putArray("files");
      for (InputFile f : entry.getValue()) {
        Path target = dir.resolve(f.relativePath()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException(
              "input " + entry.getKey() + ": file path " + f.relativePath() + " leaves inputs/");
        }
        Files.createDirectories(target.getParent());
        link(f.source(), target);
        ObjectNode file = files.addObject();
        file.put("name", target.getFileName().toString());
        file.put("path", target.toString());
        file.put("size", f.size());
        file.put("uri", f.uri());
        file.putObject("checksums").put("sha256", f.sha256());
        f.datumId().ifPresent(d -> file.put("datum_id", d));
        f.producer().ifPresent(p -> file.put("producer_execution_id", p));
      }
    }
    JSON.writeValue(configDir().resolve("inputs.json").toFile(), json);
  }

  private static void link(Path source, Path target) throws IOException {
    Files.deleteIfExists(target);
    try {
      Files.createLink(target, source);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Writes {@code config/parameters.json}: each parameter's resolved value, typed as JSON. */
  public void writeParameters(Map<String, ParamValue> values) throws IOException {
    ObjectNode json = JSON.createObjectNode();
    values.forEach((name, value) -> json.set(name, toJson(value)));
    JSON.writeValue(configDir().resolve("parameters.json").toFile(), json);
  }

  /** Writes {@code config/execution.json} with Valohai's keys and Kiln's own. */
  public void writeExecutionInfo(Map<String, Object> info) throws IOException {
    JSON.writeValue(configDir().resolve("execution.json").toFile(), info);
  }

  static JsonNode toJson(ParamValue v) {
    var f = JSON.getNodeFactory();
    if (v instanceof ParamValue.StringValue s) {
      return f.textNode(s.value());
    } else if (v instanceof ParamValue.IntValue i) {
      return f.numberNode(i.value());
    } else if (v instanceof ParamValue.FloatValue d) {
      return f.numberNode(d.value());
    } else if (v instanceof ParamValue.FlagValue b) {
      return f.booleanNode(b.value());
    } else {
      ArrayNode arr = f.arrayNode();
      for (ParamValue item : ((ParamValue.ListValue) v).values()) {
        arr.add(toJson(item));
      }
      return arr;
    }
  }
}
