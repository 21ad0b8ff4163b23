package dev.kiln.steps.classification;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code model/} folder the classification steps hand to each other: {@code
 * classifier.params} (the block's parameters in DJL's format), {@code classifier.json} (format,
 * architecture, input size, stem, labels, and where it came from) and {@code labels.txt}.
 */
public final class SavedClassifier {
  private SavedClassifier() {}

  public static final String FORMAT = "kiln-classifier/1";
  public static final String PARAMS = "classifier.params";
  public static final String INFO = "classifier.json";
  public static final String LABELS = "labels.txt";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What {@code classifier.json} says. */
  public record Info(String architecture, int inputSize, boolean smallStem, List<String> labels) {
    public Info {
      labels = List.copyOf(labels);
    }
  }

  /** A network ready to run, with its description. */
  public record Loaded(Info info, Block block) {}

  /** The block's parameters in DJL's format. */
  public static byte[] parameterBytes(Block block) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    }
    return bytes.toByteArray();
  }

  /** Writes a model folder; {@code extra} goes into classifier.json as is (provenance, best step). */
  public static void save(Path dir, Info info, byte[] params, Map<String, Object> extra)
      throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(PARAMS), params);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", FORMAT);
    json.put("architecture", info.architecture());
    json.put("input_size", info.inputSize());
    json.put("small_stem", info.smallStem());
    json.put("labels", info.labels());
    json.putAll(extra);
    Files.writeString(dir.resolve(INFO), JSON.writeValueAsString(json) + "\n");
    Files.writeString(dir.resolve(LABELS), String.join("\n", info.labels()) + "\n");
  }

  /** The folder holding classifier.json among an input's files. */
  public static Path locate(List<Path> files, String input) {
    for (Path f : files) {
      if (f.getFileName().toString().equals(INFO)) {
        return f.getParent();
      }
    }
    throw new ClassificationInputException(
        "input \"" + input + "\" holds no " + INFO + " (expected a model/ folder written by"
            + " train-classification)");
  }

  /** Reads classifier.json. */
  public static Info readInfo(Path dir) throws IOException {
    JsonNode n = JSON.readTree(dir.resolve(INFO).toFile());
    if (!FORMAT.equals(n.path("format").asText())) {
      throw new ClassificationInputException(
          dir.resolve(INFO) + ": format is \"" + n.path("format").asText() + "\", expected " + FORMAT);
    }
    List<String> labels = new ArrayList<>();
    n.path("labels").forEach(l -> labels.add(l.asText()));
    return new Info(
        n.path("architecture").asText(),
        n.path("input_size").asInt(),
        n.path("small_stem").asBoolean(),
        labels);
  }

  /** Builds the network classifier.json describes and loads its parameters. */
  public static Loaded load(Path dir, NDManager manager) throws IOException {
    Info info = readInfo(dir);
    Block block = build(info);
    block.initialize(manager, DataType.FLOAT32, ClassifierNetworks.inputShape(1, info.inputSize()));
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(PARAMS))))) {
      block.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new ClassificationInputException(dir.resolve(PARAMS) + ": " + e.getMessage());
    }
    return new Loaded(info, block);
  }

  /** A fresh network of the architecture and stem {@code info} names. */
  static Block build(Info info) {
    // the stem follows the saved flag, not the input size, so a model keeps its shapes
    int sizeForStem = info.smallStem() ? 32 : 224;
    return ClassifierNetworks.build(info.architecture(), info.labels().size(), sizeForStem);
  }
}
