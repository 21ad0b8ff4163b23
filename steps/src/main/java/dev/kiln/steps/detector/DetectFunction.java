package dev.kiln.steps.detector;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * The {@code detect} step: runs the model on every image of the {@code image} input (image files,
 * or TFRecord shards of TF Object Detection API examples) and writes, per image, {@code
 * detections/<key>.json} with the TF Object Detection API's output fields and {@code
 * drawn/<key>.png} with the boxes, class names and scores drawn; with {@code prelabels}, also
 * the predictions as pre-labels for a labelling tool ({@link PreLabels}).
 */
public final class DetectFunction implements StepFunction {
  static final int MAX_DETECTIONS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> IMAGE_EXTENSIONS =
      Set.of("png", "jpg", "jpeg", "bmp", "gif");

  @Override
  public void run(StepContext context) throws Exception {
    List<String> classes = Classes.read(context.inputFiles("classes"), "classes");
    int size = StepParams.integer(context, "size", 416);
    float iou = (float) StepParams.real(context, "iou_threshold", 0.5);
    float score = (float) StepParams.real(context, "score_threshold", 0.5);
    int batchSize = StepParams.integer(context, "batch_size", 8);
    PreLabels.Kind preLabels = PreLabels.Kind.parse(StepParams.string(context, "prelabels", "none"));
    float preLabelScore = (float) StepParams.real(context, "prelabel_score_threshold", 0.5);
    JsonNode project = project(context.inputFiles("project"));
    Device device = DetectorDevice.choose(context);
    context.reportDevice(DetectorDevice.name(device));

    List<Sample> images = readImages(context.inputFiles("image"), classes.size());
    context.log("detect: " + images.size() + " images");
    Path detDir = context.outputDir().resolve("detections");
    Path drawDir = context.outputDir().resolve("drawn");
    Files.createDirectories(detDir);
    Files.createDirectories(drawDir);
    try (DetectorPredictor predictor =
        DetectorPredictor.load(
            SavedDetector.locate(context.inputFiles("model"), "model"),
            device, size, score, iou, batchSize)) {
      if (predictor.numClasses() != classes.size()) {
        throw new IllegalArgumentException(
            "the model predicts " + predictor.numClasses()
                + " classes, classes.txt lists " + classes.size());
      }
      Set<String> used = new HashSet<>();
      List<PreLabels.ImagePredictions> predictions = new ArrayList<>();
      long total = 0;
      for (int start = 0; start < images.size(); start += batchSize) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("detect stopped after " + start + " images");
        }
        List<Sample> batch = images.subList(start, Math.min(images.size(), start + batchSize));
        List<List<Detection>> dets =
            predictor.detect(batch.stream().map(Sample::image).toList());
        for (int i = 0; i < batch.size(); i++) {
          Sample s = batch.get(i);
          String name = fileName(s.key(), used);
          JSON.writerWithDefaultPrettyPrinter()
              .writeValue(detDir.resolve(name + ".json").toFile(), toJson(s.key(), dets.get(i)));
          ImageIO.write(draw(s.image(), dets.get(i), classes), "png",
              drawDir.resolve(name + ".png").toFile());
          total += dets.get(i).size();
          predictions.add(
              new PreLabels.ImagePredictions(
                  s.key(), s.image().getWidth(), s.image().getHeight(), dets.get(i)));
        }
        context.progress("images", Math.min(images.size(), start + batchSize), images.size());
      }
      PreLabels.write(
          context.outputDir().resolve(PreLabels.DIR),
          preLabels,
          predictions,
          classes,
          project,
          preLabelScore);
      context.logMetrics(Map.of("images", images.size(), "detections", total));
    }
  }

  /** The Superb AI project.json of input {@code project}, or null when not given. */
  static JsonNode project(List<Path> files) throws IOException {
    List<Path> json =
        files.stream().filter(f -> f.getFileName().toString().endsWith(".json")).toList();
    if (json.isEmpty()) {
      return null;
    }
    if (json.size() > 1) {
      throw new IllegalArgumentException(
          "input \"project\" has " + json.size() + " JSON files; give one Superb AI project.json");
    }
    try {
      return JSON.readTree(json.get(0).toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "input \"project\": " + json.get(0).getFileName() + " is not JSON: "
              + e.getOriginalMessage());
    }
  }

  /** The per-image JSON: boxes {@code [ymin, xmin, ymax, xmax]} in [0, 1], classes from 1. */
  static ObjectNode toJson(String key, List<Detection> dets) {
    ObjectNode o = JSON.createObjectNode();
    o.put("key", key);
    o.put("num_detections", dets.size());
    ArrayNode boxes = o.putArray("detection_boxes");
    ArrayNode cls = o.putArray("detection_classes");
    ArrayNode scores = o.putArray("detection_scores");
    for (Detection d : dets) {
      boxes.addArray().add(d.ymin()).add(d.xmin()).add(d.ymax()).add(d.xmax());
      cls.add(d.classId() + 1);
      scores.add(d.score());
    }
    return o;
  }

  /** A copy of the image with each box outlined and labelled "name 0.93". */
  static BufferedImage draw(BufferedImage src, List<Detection> dets, List<String> classes) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(src, 0, 0, null);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setStroke(new BasicStroke(Math.max(1f, Math.min(w, h) / 200f)));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(w, h) / 30)));
      FontMetrics fm = g.getFontMetrics();
      for (Detection d : dets) {
        Color c = Color.getHSBColor((d.classId() * 0.618034f) % 1f, 0.9f, 1f);
        int x0 = Math.round(d.xmin() * w);
        int y0 = Math.round(d.ymin() * h);
        int x1 = Math.round(d.xmax() * w);
        int y1 = Math.round(d.ymax() * h);
        g.setColor(c);
        g.drawRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
        String name = d.classId() < classes.size() ? classes.get(d.classId()) : "#" + d.classId();
        String label = name + " " + String.format(Locale.ROOT, "%.2f", d.score());
        int tw = fm.stringWidth(label) + 4;
        int th = fm.getHeight();
        int ty = y0 - th >= 0 ? y0 - th : y0;
        g.fillRect(x0, ty, tw, th);
        g.setColor(Color.BLACK);
        g.drawString(label, x0 + 2, ty + fm.getAscent());
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** A file name from the key: path and odd characters dropped, made unique. */
  static String fileName(String key, Set<String> used) {
    String base = key.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    base = base.replaceAll("[^A-Za-z0-9._-]", "_");
    if (base.isEmpty()) {
      base = "image";
    }
    String name = base;
    for (int i = 2; !used.add(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  /** Image files by name; other files are read as TFRecord shards. */
  static List<Sample> readImages(List<Path> files, int numClasses) throws IOException {
    List<Sample> out = new ArrayList<>();
    List<Path> records = new ArrayList<>();
    for (Path f : files) {
      String n = f.getFileName().toString();
      String ext = n.contains(".") ? n.substring(n.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
          : "";
      if (IMAGE_EXTENSIONS.contains(ext)) {
        BufferedImage img = ImageIO.read(f.toFile());
        if (img == null) {
          throw new IOException(f + ": not a readable image");
        }
        out.add(new Sample(n, img, List.of()));
      } else if (!n.equals("classes.txt") && !n.endsWith(".json") && !n.endsWith(".pbtxt")) {
        records.add(f);
      }
    }
    out.addAll(TfRecordSamples.read(records, 0, numClasses));
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "input \"image\" has no images (PNG, JPEG, BMP, GIF) or TFRecord shards");
    }
    return out;
  }
}
