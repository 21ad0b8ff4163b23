package dev.kiln.steps.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SageMaker Ground Truth augmented manifests (JSON Lines): each line has {@code source-ref} and a
 * label attribute (any name) holding {@code image_size} and {@code annotations}, with {@code
 * <attribute>-metadata.class-map} naming the class ids. {@code s3://bucket/key} references are
 * looked up locally as {@code key}, then by file name, relative to the manifest's folder. A
 * manifest named like a split ({@code train.manifest}) tags its images with it. A malformed line
 * rejects only that line.
 */
public final class SageMakerManifestReader implements LabelReader {

  /** One parsed line. */
  public record Parsed(LabeledImage image, Map<Long, String> classMap) {
    public Parsed {
      classMap = Map.copyOf(classMap);
    }
  }

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    List<Path> files =
        Files.isDirectory(input)
            ? Sources.files(
                input,
                3,
                p ->
                    Sources.extension(p).equals("manifest") || Sources.extension(p).equals("jsonl"))
            : List.of(input);
    TreeMap<Long, String> classes = new TreeMap<>();
    List<LabeledImage> images = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    files = Sources.inScope(files, scope, root, rejections);
    for (Path f : files) {
      String display = Sources.relative(root, f);
      String stemTag = Sources.splitName(Sources.stem(f.getFileName().toString()));
      String tag = stemTag != null ? stemTag : Sources.splitTagFromPath(root, f);
      try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        int lineNo = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          try {
            Parsed p = parseLine(line, lineNo, f, root, scope, tag, rejections);
            if (p != null) {
              images.add(p.image());
              p.classMap().forEach(classes::putIfAbsent);
            }
          } catch (LabelFormatException e) {
            rejections.add(
                new Rejection(
                    display + ":" + lineNo, RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
          }
        }
      }
    }
    return new ReadResult(List.copyOf(classes.values()), images, rejections);
  }

  /**
   * Parses one manifest line.
   *
   * @param lineNo 1-based line number, for located errors
   * @return null when the image's size had to come from its header and could not (then rejected)
   * @throws LabelFormatException located at the offending value on this line
   */
  public static Parsed parseLine(
      String line,
      int lineNo,
      Path manifest,
      Path root,
      InputScope scope,
      String splitTag,
      List<Rejection> rejections)
      throws IOException {
    String display = Sources.relative(root, manifest);
    LocatedJson json = LocatedJson.parseLine(line, display, lineNo);
    JsonNode top = json.object(json.root(), null, "");
    String ref = json.textField(top, "source-ref", "");

    String attr = null;
    for (Iterator<String> it = top.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      JsonNode v = top.get(name);
      if (!name.endsWith("-metadata") && v.isObject() && v.has("annotations")) {
        attr = name;
        break;
      }
    }
    if (attr == null) {
      throw json.error(
          top,
          top,
          "",
          "no bounding-box label attribute (an object with \"annotations\" and \"image_size\")"
              + " besides \"source-ref\"");
    }
    JsonNode label = top.get(attr);

    TreeMap<Long, String> classMap = new TreeMap<>();
    JsonNode meta = top.get(attr + "-metadata");
    if (meta != null && meta.isObject() && meta.has("class-map")) {
      String mpath = attr + "-metadata.class-map";
      JsonNode cm = json.objectField(meta, "class-map", attr + "-metadata");
      for (Iterator<Map.Entry<String, JsonNode>> it = cm.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        long id;
        try {
          id = Long.parseLong(e.getKey());
        } catch (NumberFormatException ex) {
          throw json.error(
              e.getValue(),
              cm,
              mpath,
              "class-map key \"" + e.getKey() + "\" is not an integer class id");
        }
        if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
          throw json.error(
              e.getValue(),
              cm,
              mpath + "." + e.getKey(),
              "expected a class name, got " + LocatedJson.describe(e.getValue()));
        }
        classMap.put(id, e.getValue().asText());
      }
    }

    int width = 0;
    int height = 0;
    JsonNode sizeNode = label.get("image_size");
    if (sizeNode != null && !sizeNode.isNull()) {
      ArrayNode sizes = json.arrayField(label, "image_size", attr);
      if (sizes.size() < 1) {
        throw json.error(
            sizes,
            label,
            attr + ".image_size",
            "expected one {width, height, depth} object, got none");
      }
      JsonNode s = json.object(sizes.get(0), sizes, attr + ".image_size[0]");
      width = json.optionalSize(s, "width", attr + ".image_size[0]");
      height = json.optionalSize(s, "height", attr + ".image_size[0]");
    }

    List<BoxAnnotation> boxes = new ArrayList<>();
    ArrayNode anns = json.arrayField(label, "annotations", attr);
    for (int i = 0; i < anns.size(); i++) {
      String path = attr + ".annotations[" + i + "]";
      JsonNode a = json.object(anns.get(i), anns, path);
      long cls = json.integerField(a, "class_id", path);
      double left = json.numberField(a, "left", path);
      double t = json.numberField(a, "top", path);
      double w = json.numberField(a, "width", path);
      double h = json.numberField(a, "height", path);
      boxes.add(BoxAnnotation.ofXywh(classMap.getOrDefault(cls, "class_id:" + cls), left, t, w, h));
    }

    Path image =
        Sources.firstExisting(Sources.candidatesForUri(manifest.toAbsolutePath().getParent(), ref));
    String sourceId = Sources.relative(root, image);
    if (!Sources.insideOrReject(image, ref, scope, display + ":" + lineNo, rejections)) {
      return null;
    }
    if (width == 0 || height == 0) {
      ImageInfo info = Sources.headerOrReject(image, sourceId, rejections);
      if (info == null) {
        return null;
      }
      width = info.width();
      height = info.height();
    }
    return new Parsed(
        LabeledImage.detection(sourceId, image, width, height, boxes, splitTag), classMap);
  }
}
