package dev.kiln.steps.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code evaluate} step: scores what {@code detect} found against a COCO ground-truth file with
 * pycocotools' semantics ({@link CocoEvaluator}).
 *
 * <p>{@code detect} writes one JSON per image in the TF Object Detection API's form (key, boxes
 * {@code [ymin, xmin, ymax, xmax]} in [0, 1], classes counted from 1 in {@code classes.txt}
 * order). This step joins each file to a ground-truth image by its key (the image's file name,
 * compared without folders), turns the boxes into COCO's pixel {@code [x, y, width, height]} with
 * that image's size, and maps classes to ground-truth categories by name. It writes {@code
 * metrics.json} (the twelve numbers and AP per category) and {@code detections.coco.json} (the
 * results file, for {@code kiln eval coco} or pycocotools), and logs the numbers as metadata.
 *
 * <p>Nothing is dropped quietly: a detection file whose key matches no ground-truth image, and a
 * class missing from the ground truth's categories, fail the step with the file named.
 */
public final class EvaluateFunction implements StepFunction {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void run(StepContext context) throws Exception {
    Path gtFile = single(context.inputFiles("annotations"), "annotations", ".json");
    List<String> classes = readClasses(context.inputFiles("classes"));
    JsonNode gtTree = readJson(gtFile);
    Map<String, GtImage> byName = images(gtTree, gtFile);
    Map<String, Long> categoryByName = categories(gtTree, gtFile);

    List<Path> detectionFiles =
        context.inputFiles("detections").stream()
            .filter(p -> p.getFileName().toString().endsWith(".json"))
            .toList();
    if (detectionFiles.isEmpty()) {
      throw new IllegalArgumentException("input \"detections\" has no .json files");
    }
    List<CocoDetection> dts = new ArrayList<>();
    ArrayNode results = JSON.createArrayNode();
    int done = 0;
    for (Path f : detectionFiles) {
      JsonNode det = readJson(f);
      String key = text(det, "key", f);
      GtImage img = byName.get(baseName(key));
      if (img == null) {
        throw new IllegalArgumentException(
            f + ": key \"" + key + "\" names no image of " + gtFile.getFileName()
                + " (images are matched by file name)");
      }
      JsonNode boxes = array(det, "detection_boxes", f);
      JsonNode cls = array(det, "detection_classes", f);
      JsonNode scores = array(det, "detection_scores", f);
      if (boxes.size() != cls.size() || boxes.size() != scores.size()) {
        throw new IllegalArgumentException(
            f + ": detection_boxes, detection_classes and detection_scores differ in length ("
                + boxes.size() + ", " + cls.size() + ", " + scores.size() + ")");
      }
      for (int i = 0; i < boxes.size(); i++) {
        JsonNode b = boxes.get(i);
        if (!b.isArray() || b.size() != 4) {
          throw new IllegalArgumentException(
              f + ": detection_boxes[" + i + "] is not [ymin, xmin, ymax, xmax]");
        }
        int c = cls.get(i).asInt();
        if (c < 1 || c > classes.size()) {
          throw new IllegalArgumentException(
              f + ": detection_classes[" + i + "] is " + c + ", but classes.txt has "
                  + classes.size() + " classes (counted from 1)");
        }
        Long category = categoryByName.get(classes.get(c - 1));
        if (category == null) {
          throw new IllegalArgumentException(
              "class \"" + classes.get(c - 1) + "\" of classes.txt is not a category of "
                  + gtFile.getFileName() + " (categories: " + categoryByName.keySet() + ")");
        }
        double x = b.get(1).asDouble() * img.width();
        double y = b.get(0).asDouble() * img.height();
        double w = (b.get(3).asDouble() - b.get(1).asDouble()) * img.width();
        double h = (b.get(2).asDouble() - b.get(0).asDouble()) * img.height();
        double score = scores.get(i).asDouble();
        dts.add(new CocoDetection(img.id(), category, x, y, w, h, score));
        ObjectNode r = results.addObject();
        r.put("image_id", img.id());
        r.put("category_id", category);
        r.putArray("bbox").add(x).add(y).add(w).add(h);
        r.put("score", score);
      }
      done++;
      if (done % 100 == 0 || done == detectionFiles.size()) {
        context.progress("detection files", done, detectionFiles.size());
      }
    }

    CocoGroundTruth gt = CocoGroundTruth.read(gtFile);
    gt.warnings().forEach(w -> context.log("warning: " + w));
    CocoMetrics metrics = CocoEvaluator.evaluate(gt, dts);
    Files.createDirectories(context.outputDir());
    Files.writeString(context.outputDir().resolve("metrics.json"), metrics.toJson());
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(context.outputDir().resolve("detections.coco.json").toFile(), results);
    metrics.summaryLines().forEach(context::log);
    Map<String, Object> meta = new LinkedHashMap<>();
    double[] stats = metrics.stats();
    for (int i = 0; i < stats.length; i++) {
      meta.put(CocoMetrics.NAMES.get(i), stats[i]);
    }
    meta.put("images", byName.size());
    meta.put("detection_files", detectionFiles.size());
    meta.put("detections", dts.size());
    context.logMetrics(meta);
  }

  private record GtImage(long id, int width, int height) {}

  private static Map<String, GtImage> images(JsonNode gt, Path file) {
    Map<String, GtImage> out = new HashMap<>();
    JsonNode images = gt.path("images");
    if (!images.isArray()) {
      throw new IllegalArgumentException(file + ": images: missing or not a list");
    }
    for (int i = 0; i < images.size(); i++) {
      JsonNode im = images.get(i);
      String where = file + ": images[" + i + "]";
      if (!im.path("id").canConvertToLong()
          || !im.path("file_name").isTextual()
          || !im.path("width").canConvertToInt()
          || !im.path("height").canConvertToInt()) {
        throw new IllegalArgumentException(
            where + ": needs id, file_name, width and height to place normalized boxes");
      }
      GtImage prev =
          out.put(
              baseName(im.get("file_name").asText()),
              new GtImage(im.get("id").asLong(), im.get("width").asInt(), im.get("height").asInt()));
      if (prev != null) {
        throw new IllegalArgumentException(
            where + ": file name \"" + im.get("file_name").asText() + "\" appears twice");
      }
    }
    return out;
  }

  private static Map<String, Long> categories(JsonNode gt, Path file) {
    Map<String, Long> out = new LinkedHashMap<>();
    JsonNode cats = gt.path("categories");
    for (int i = 0; i < cats.size(); i++) {
      JsonNode c = cats.get(i);
      if (!c.path("id").canConvertToLong() || !c.path("name").isTextual()) {
        throw new IllegalArgumentException(file + ": categories[" + i + "]: needs id and name");
      }
      out.put(c.get("name").asText(), c.get("id").asLong());
    }
    return out;
  }

  private static List<String> readClasses(List<Path> files) throws IOException {
    Path f = single(files, "classes", ".txt");
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(f)) {
      if (!line.isBlank()) {
        out.add(line.strip());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(f + ": no class names");
    }
    return out;
  }

  private static Path single(List<Path> files, String input, String suffix) {
    List<Path> matching =
        files.stream()
            .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(suffix))
            .toList();
    if (matching.size() != 1) {
      throw new IllegalArgumentException(
          "input \"" + input + "\" should hold one " + suffix + " file, but has "
              + matching.size() + (matching.isEmpty() ? "" : " (" + matching + ")"));
    }
    return matching.get(0);
  }

  private static JsonNode readJson(Path f) throws IOException {
    try {
      return JSON.readTree(f.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          f + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr() + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  private static String text(JsonNode n, String field, Path f) {
    if (!n.path(field).isTextual()) {
      throw new IllegalArgumentException(f + ": " + field + ": missing or not a string");
    }
    return n.get(field).asText();
  }

  private static JsonNode array(JsonNode n, String field, Path f) {
    if (!n.path(field).isArray()) {
      throw new IllegalArgumentException(f + ": " + field + ": missing or not a list");
    }
    return n.get(field);
  }

  static String baseName(String key) {
    String k = key.replace('\\', '/');
    return k.substring(k.lastIndexOf('/') + 1);
  }
}
