package dev.kiln.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.steps.detector.Detection;
import dev.kiln.steps.detector.ImageDetections;
import java.util.List;

/**
 * Detections in each protocol's JSON. Boxes are the predictor's, corners in [0, 1] of the image
 * sent; pixels (EasyMaker) are those corners times the image's width and height.
 */
final class DetectionJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private DetectionJson() {}

  /**
   * TF Serving / AI Platform: the TF Object Detection API's signature, as the {@code detect}
   * step writes it: boxes {@code [ymin, xmin, ymax, xmax]}, classes from 1.
   */
  static ObjectNode tfServing(ImageDetections d, String key) {
    ObjectNode o = JSON.createObjectNode();
    o.put("num_detections", d.detections().size());
    ArrayNode boxes = o.putArray("detection_boxes");
    ArrayNode cls = o.putArray("detection_classes");
    ArrayNode scores = o.putArray("detection_scores");
    for (Detection x : d.detections()) {
      boxes.addArray().add(x.ymin()).add(x.xmin()).add(x.ymax()).add(x.xmax());
      cls.add(x.classId() + 1);
      scores.add(x.score());
    }
    if (key != null) {
      o.put("key", key);
    }
    return o;
  }

  /** EasyMaker: one {@code {"<label>": {xmin, ymin, xmax, ymax}}} per object, in pixels. */
  static ArrayNode easyMaker(ImageDetections d, int width, int height, ServedModel model) {
    ArrayNode out = JSON.createArrayNode();
    for (Detection x : d.detections()) {
      ObjectNode box = out.addObject().putObject(model.label(x.classId()));
      box.put("xmin", x.xmin() * width);
      box.put("ymin", x.ymin() * height);
      box.put("xmax", x.xmax() * width);
      box.put("ymax", x.ymax() * height);
    }
    return out;
  }

  /** SageMaker object detection: {@code [class_index, score, xmin, ymin, xmax, ymax]} rows. */
  static ObjectNode sageMaker(ImageDetections d) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode rows = o.putArray("prediction");
    for (Detection x : d.detections()) {
      rows.addArray().add((float) x.classId()).add(x.score()).add(x.xmin()).add(x.ymin())
          .add(x.xmax()).add(x.ymax());
    }
    return o;
  }

  /**
   * KServe v2 output tensors for a batch: {@code num_detections} [n], {@code detection_boxes}
   * [n, m, 4], {@code detection_classes} [n, m] (from 1), {@code detection_scores} [n, m], with
   * m the most detections of any image and shorter rows padded with zeros, row-major and flat.
   */
  static ArrayNode kserveOutputs(List<ImageDetections> batch, List<String> wanted) {
    int n = batch.size();
    int m = 0;
    for (ImageDetections d : batch) {
      m = Math.max(m, d.detections().size());
    }
    ObjectNode num = tensor("num_detections", "INT32", n);
    ObjectNode boxes = tensor("detection_boxes", "FP32", n, m, 4);
    ObjectNode classes = tensor("detection_classes", "INT32", n, m);
    ObjectNode scores = tensor("detection_scores", "FP32", n, m);
    ArrayNode numData = num.putArray("data");
    ArrayNode boxData = boxes.putArray("data");
    ArrayNode clsData = classes.putArray("data");
    ArrayNode scoreData = scores.putArray("data");
    for (ImageDetections d : batch) {
      numData.add(d.detections().size());
      for (int i = 0; i < m; i++) {
        if (i < d.detections().size()) {
          Detection x = d.detections().get(i);
          boxData.add(x.ymin()).add(x.xmin()).add(x.ymax()).add(x.xmax());
          clsData.add(x.classId() + 1);
          scoreData.add(x.score());
        } else {
          boxData.add(0f).add(0f).add(0f).add(0f);
          clsData.add(0);
          scoreData.add(0f);
        }
      }
    }
    ArrayNode out = JSON.createArrayNode();
    for (ObjectNode t : List.of(num, boxes, classes, scores)) {
      if (wanted.isEmpty() || wanted.contains(t.path("name").asText())) {
        out.add(t);
      }
    }
    return out;
  }

  /** The names of the KServe output tensors, in answer order. */
  static final List<String> KSERVE_OUTPUTS =
      List.of("num_detections", "detection_boxes", "detection_classes", "detection_scores");

  private static ObjectNode tensor(String name, String type, int... shape) {
    ObjectNode t = JSON.createObjectNode();
    t.put("name", name);
    t.put("datatype", type);
    ArrayNode s = t.putArray("shape");
    for (int d : shape) {
      s.add(d);
    }
    return t;
  }
}
