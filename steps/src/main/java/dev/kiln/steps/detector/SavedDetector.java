package dev.kiln.steps.detector;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model folder {@code weights} and {@code train} write and {@code train} and {@code detect}
 * read: {@code detector.params} (DJL parameters), {@code detector.cfg} (the network, so it can be
 * rebuilt without the original cfg), {@code detector.json} (class names, input size, provenance)
 * and, when classes are known, {@code classes.txt}.
 */
public final class SavedDetector {
  public static final String PARAMS = "detector.params";
  public static final String CFG = "detector.cfg";
  public static final String META = "detector.json";
  public static final String CLASSES = "classes.txt";
  public static final String FORMAT = "kiln-darknet-detector";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SavedDetector() {}

  /** A loaded network with what its folder said about it. */
  public record Loaded(DarknetNetwork network, List<String> classes, JsonNode meta) {
    public Loaded {
      classes = List.copyOf(classes);
    }
  }

  /** Writes the network (initialised) to {@code dir}. */
  public static void save(
      Path dir, DarknetNetwork network, List<String> classes, Map<String, ?> extra)
      throws IOException {
    save(dir, network.cfg(), parameterBytes(network), classes, extra);
  }

  /** Writes saved parameter bytes (see {@link #parameterBytes}) with their cfg to {@code dir}. */
  public static void save(
      Path dir, DarknetCfg cfg, byte[] params, List<String> classes, Map<String, ?> extra)
      throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(PARAMS), params);
    Files.writeString(dir.resolve(CFG), cfg.toText(), StandardCharsets.UTF_8);
    ObjectNode meta = JSON.createObjectNode();
    meta.put("format", FORMAT);
    meta.put("version", 1);
    meta.put("cfg", cfg.name());
    meta.put("width", cfg.width());
    meta.put("height", cfg.height());
    meta.put("num_classes", cfg.numClasses());
    meta.set("classes", JSON.valueToTree(classes));
    for (Map.Entry<String, ?> e : extra.entrySet()) {
      meta.set(e.getKey(), JSON.valueToTree(e.getValue()));
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(META).toFile(), meta);
    if (!classes.isEmpty()) {
      Files.writeString(
          dir.resolve(CLASSES), String.join("\n", classes) + "\n", StandardCharsets.UTF_8);
    }
  }

  /** The network's parameters in DJL's format, e.g. to keep the best checkpoint in memory. */
  public static byte[] parameterBytes(DarknetNetwork network) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      network.saveParameters(out);
    }
    return bytes.toByteArray();
  }

  /** Loads parameter bytes from {@link #parameterBytes} into an initialised network. */
  public static void loadParameterBytes(DarknetNetwork network, NDManager manager, byte[] bytes)
      throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      network.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException("saved parameters do not fit the network: " + e.getMessage(), e);
    }
  }

  /**
   * Finds the model folder among an input's files: the folder holding {@code detector.json}.
   *
   * @throws IllegalArgumentException naming what was found instead
   */
  public static Path locate(List<Path> inputFiles, String inputName) {
    List<String> names = new ArrayList<>();
    for (Path p : inputFiles) {
      if (p.getFileName().toString().equals(META)) {
        return p.getParent();
      }
      names.add(p.getFileName().toString());
    }
    throw new IllegalArgumentException(
        "input \"" + inputName + "\" has no " + META + " (files: "
            + (names.isEmpty() ? "none" : String.join(", ", names))
            + "); give it the model/* output of the weights or train step");
  }

  /** Loads a model folder; parameters land in {@code manager}. */
  public static Loaded load(Path dir, NDManager manager) throws IOException {
    return load(dir, manager, 0);
  }

  /**
   * Loads a model folder for another input size ({@code size <= 0}: the saved one); the
   * parameters of a fully convolutional network do not depend on it.
   */
  public static Loaded load(Path dir, NDManager manager, int size) throws IOException {
    Path metaFile = dir.resolve(META);
    if (!Files.isRegularFile(metaFile)) {
      throw new IllegalArgumentException(dir + " is not a Kiln detector folder: no " + META);
    }
    JsonNode meta = JSON.readTree(metaFile.toFile());
    if (!FORMAT.equals(meta.path("format").asText())) {
      throw new IllegalArgumentException(
          metaFile + ": format is \"" + meta.path("format").asText() + "\", expected " + FORMAT);
    }
    String name = meta.path("cfg").asText("model");
    DarknetCfg cfg = DarknetCfg.read(dir.resolve(CFG));
    cfg = new DarknetCfg(name, cfg.width(), cfg.height(), cfg.channels(), cfg.layers());
    if (size > 0) {
      cfg = cfg.withSize(size);
    }
    DarknetNetwork network = new DarknetNetwork(cfg);
    network.initialize(manager, DataType.FLOAT32, network.inputShape(1));
    try (InputStream raw = Files.newInputStream(dir.resolve(PARAMS));
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      network.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException(
          dir.resolve(PARAMS) + " does not fit " + dir.resolve(CFG) + ": " + e.getMessage(), e);
    }
    List<String> classes = new ArrayList<>();
    meta.path("classes").forEach(c -> classes.add(c.asText()));
    return new Loaded(network, classes, meta);
  }
}
