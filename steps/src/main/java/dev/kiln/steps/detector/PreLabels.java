package dev.kiln.steps.detector;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Predictions written back for a labelling tool, so that they can be uploaded as pre-labels for
 * model-assisted labelling: a COCO results file, and a Superb AI Suite label export.
 *
 * <p>COCO: {@code coco_results.json} is the results format ({@code [{"image_id", "category_id",
 * "bbox": [x, y, width, height], "score"}]}, pixels); results carry only numeric ids, so {@code
 * coco_images.json} holds the {@code images} (id, file name, size) and {@code categories} they
 * refer to. Image ids count from 1 in input order; category ids are the class index from 1, as in
 * {@code classes.txt}.
 *
 * <p>Superb AI: {@code superbai/} is laid out as a Suite export ({@code project.json}, {@code
 * meta/<dataset>/<data_key>.json}, {@code labels/<label_id>.json}) with box objects ({@code
 * class_id}, {@code class_name}, {@code annotation_type: box}, {@code annotation.coord} in pixels,
 * the score in {@code annotation.meta.score}). Class ids are the project's UUIDs when its {@code
 * project.json} is given, else UUIDs derived from the class names; label ids derive from the data
 * key, so a rerun writes the same files.
 */
public final class PreLabels {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The folder under the step's outputs. */
  public static final String DIR = "prelabels";

  /** The dataset name the Suite meta files carry. */
  public static final String DATASET = "predictions";

  /**
   * One image's predictions.
   *
   * @param key the image's name, the Suite data key
   * @param width image width in pixels
   * @param height image height in pixels
   * @param detections boxes normalised to [0, 1]
   */
  public record ImagePredictions(String key, int width, int height, List<Detection> detections) {
    public ImagePredictions {
      Objects.requireNonNull(key, "key");
      checkArgument(width > 0 && height > 0, "%s: size must be positive", key);
      detections = List.copyOf(detections);
    }
  }

  /** Which files to write, from the {@code prelabels} parameter. */
  public enum Kind {
    NONE,
    COCO,
    SUPERBAI,
    BOTH;

    /** {@code none}, {@code coco}, {@code superbai} or {@code both}. */
    public static Kind parse(String value) {
      for (Kind k : values()) {
        if (k.name().equalsIgnoreCase(value.strip())) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "parameter \"prelabels\" is \"" + value + "\"; expected none, coco, superbai or both");
    }
  }

  private PreLabels() {}

  /** A box in pixels, clipped to the image: {x, y, width, height}. */
  static double[] pixels(Detection d, int w, int h) {
    double x0 = clamp(d.xmin()) * w;
    double y0 = clamp(d.ymin()) * h;
    double x1 = clamp(d.xmax()) * w;
    double y1 = clamp(d.ymax()) * h;
    return new double[] {round(x0), round(y0), round(x1 - x0), round(y1 - y0)};
  }

  private static double clamp(float v) {
    return Math.max(0, Math.min(1, v));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static boolean kept(Detection d, float threshold) {
    return d.score() >= threshold && d.xmax() > d.xmin() && d.ymax() > d.ymin();
  }

  /** The COCO results array. */
  public static ArrayNode cocoResults(List<ImagePredictions> images, float threshold) {
    ArrayNode out = JSON.createArrayNode();
    for (int i = 0; i < images.size(); i++) {
      ImagePredictions im = images.get(i);
      for (Detection d : im.detections()) {
        if (!kept(d, threshold)) {
          continue;
        }
        double[] b = pixels(d, im.width(), im.height());
        ObjectNode r = out.addObject();
        r.put("image_id", i + 1);
        r.put("category_id", d.classId() + 1);
        r.putArray("bbox").add(b[0]).add(b[1]).add(b[2]).add(b[3]);
        r.put("score", Math.round(d.score() * 1e5) / 1e5);
      }
    }
    return out;
  }

  /** The images and categories the results refer to. */
  public static ObjectNode cocoImages(List<ImagePredictions> images, List<String> classes) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode imgs = o.putArray("images");
    for (int i = 0; i < images.size(); i++) {
      ImagePredictions im = images.get(i);
      imgs.addObject()
          .put("id", i + 1)
          .put("file_name", im.key())
          .put("width", im.width())
          .put("height", im.height());
    }
    ArrayNode cats = o.putArray("categories");
    for (int i = 0; i < classes.size(); i++) {
      cats.addObject().put("id", i + 1).put("name", classes.get(i));
    }
    return o;
  }

  /**
   * The class ids to write: from a Suite {@code project.json} by class name when given, else
   * derived from the names.
   *
   * @throws IllegalArgumentException when the project lacks a class of {@code classes}
   */
  public static Map<String, String> classIds(List<String> classes, JsonNode project) {
    Map<String, String> ids = new HashMap<>();
    if (project != null) {
      for (JsonNode c : project.path("object_detection").path("object_classes")) {
        ids.putIfAbsent(c.path("name").asText(), c.path("id").asText());
      }
      List<String> missing = classes.stream().filter(c -> !ids.containsKey(c)).toList();
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            "input \"project\": project.json has no object class named "
                + String.join(", ", missing.stream().map(m -> "\"" + m + "\"").toList())
                + " (classes.txt lists "
                + String.join(", ", classes)
                + ")");
      }
      return ids;
    }
    for (String c : classes) {
      ids.put(c, nameUuid("class:" + c));
    }
    return ids;
  }

  private static String nameUuid(String s) {
    return UUID.nameUUIDFromBytes(("kiln-prelabels/" + s).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** {@code <data_key>.json} as Suite names meta files, made safe and unique. */
  static String metaName(String key, java.util.Set<String> used) {
    String base = key.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._ -]", "_");
    if (base.isBlank() || base.startsWith(".")) {
      base = "image" + base;
    }
    String name = base;
    for (int i = 2; !used.add(name); i++) {
      name = base + "_" + i;
    }
    return name + ".json";
  }

  /** The generated project.json: one box class per line of classes.txt, in order. */
  static ObjectNode project(List<String> classes, Map<String, String> ids) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "image-siesta");
    p.put("version", "0.4.0");
    p.put("data_type", "image");
    p.putObject("categorization").putArray("properties");
    ObjectNode od = p.putObject("object_detection");
    od.putArray("annotation_types").add("box");
    ArrayNode oc = od.putArray("object_classes");
    for (int i = 0; i < classes.size(); i++) {
      oc.addObject()
          .put("id", ids.get(classes.get(i)))
          .put("name", classes.get(i))
          .put("color", String.format(Locale.ROOT, "#%06X", (i * 0x9E3779) & 0xFFFFFF))
          .put("annotation_type", "box")
          .putArray("properties");
    }
    od.putArray("object_groups");
    od.putArray("keypoints");
    return p;
  }

  /** One Suite label file's content. */
  public static ObjectNode superbAiLabel(
      ImagePredictions im, List<String> classes, Map<String, String> ids, float threshold) {
    ObjectNode label = JSON.createObjectNode();
    ArrayNode objects = label.putArray("objects");
    int n = 0;
    for (Detection d : im.detections()) {
      if (!kept(d, threshold)) {
        continue;
      }
      String name = classes.get(d.classId());
      double[] b = pixels(d, im.width(), im.height());
      ObjectNode o = objects.addObject();
      o.put("id", nameUuid("object:" + im.key() + "#" + n++));
      o.put("class_id", ids.get(name));
      o.put("class_name", name);
      o.put("annotation_type", "box");
      ObjectNode a = o.putObject("annotation");
      a.putObject("coord").put("x", b[0]).put("y", b[1]).put("width", b[2]).put("height", b[3]);
      a.putObject("meta").put("score", Math.round(d.score() * 1e5) / 1e5);
      o.putArray("properties");
    }
    label.putObject("categories").putArray("properties");
    return label;
  }

  /**
   * Writes the pre-labels of {@code kind} under {@code dir}.
   *
   * @param project a Suite project.json to take class ids from, or null
   */
  public static void write(
      Path dir,
      Kind kind,
      List<ImagePredictions> images,
      List<String> classes,
      JsonNode project,
      float threshold)
      throws IOException {
    if (kind == Kind.NONE) {
      return;
    }
    Files.createDirectories(dir);
    var pretty = JSON.writerWithDefaultPrettyPrinter();
    if (kind == Kind.COCO || kind == Kind.BOTH) {
      pretty.writeValue(dir.resolve("coco_results.json").toFile(), cocoResults(images, threshold));
      pretty.writeValue(dir.resolve("coco_images.json").toFile(), cocoImages(images, classes));
    }
    if (kind == Kind.SUPERBAI || kind == Kind.BOTH) {
      Path s = dir.resolve("superbai");
      Map<String, String> ids = classIds(classes, project);
      Files.createDirectories(s.resolve("labels"));
      Files.createDirectories(s.resolve("meta").resolve(DATASET));
      pretty.writeValue(
          s.resolve("project.json").toFile(),
          project != null ? project : project(classes, ids));
      java.util.Set<String> used = new java.util.HashSet<>();
      for (ImagePredictions im : images) {
        String labelId = nameUuid("label:" + im.key());
        pretty.writeValue(
            s.resolve("labels").resolve(labelId + ".json").toFile(),
            superbAiLabel(im, classes, ids, threshold));
        ObjectNode meta = JSON.createObjectNode();
        meta.put("dataset", DATASET);
        meta.put("data_key", im.key());
        meta.put("label_id", labelId);
        meta.putArray("label_path").add("labels/" + labelId + ".json");
        meta.putArray("tags");
        meta.putObject("image_info").put("width", im.width()).put("height", im.height());
        pretty.writeValue(
            s.resolve("meta").resolve(DATASET).resolve(metaName(im.key(), used)).toFile(), meta);
      }
    }
  }
}
