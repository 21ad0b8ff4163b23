package dev.kiln.steps.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Superb AI Suite label export, as Suite writes it, unpacked or as a {@code .zip}: {@code
 * project.json} (the object classes), {@code meta/<dataset>/<data_key>.json} (one per image: its
 * data key, label id, tags and size) and {@code labels/<label_id>.json} (the objects). Suite does
 * not export the images: they come as files beside the export (the step's {@code images} input),
 * found by data key, also when named {@code name.jpg.jpg} as Suite's image downloads are.
 *
 * <p>Label files of image projects ("image-siesta") from version 0.4.0 on use snake_case keys
 * ({@code class_id}, {@code annotation_type}), earlier ones camelCase; legacy ("image-default")
 * projects write {@code result.objects[].shape.box}. All three are read. Classes are the project's
 * box classes in file order (box and polygon classes with {@link PolygonPolicy#BBOX}); objects name
 * them by UUID. Boxes are pixels: {@code x, y} top-left, {@code width, height}.
 *
 * <p>A meta file's tags choose its split through a map of tag names to splits (by default {@code
 * test} → test, {@code val}/{@code validation} → validation, anything else train, as Valohai's
 * converter puts an item in test iff a tag is named {@code test}).
 */
public final class SuperbAiReader implements LabelReader {

  /** What to do with polygon objects. */
  public enum PolygonPolicy {
    /** Skip them, each counted as {@link RejectReason#UNSUPPORTED_SHAPE}. */
    SKIP,
    /** Use the bounding box of the outer ring(s). */
    BBOX;

    /** From the parameter value {@code skip} or {@code bbox}. */
    public static PolygonPolicy parse(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      if (v.equals("skip")) {
        return SKIP;
      }
      if (v.equals("bbox")) {
        return BBOX;
      }
      throw new IllegalArgumentException(
          "parameter \"polygons\" is \"" + value + "\"; expected skip or bbox");
    }
  }

  /** The tag-map entry that applies to images none of whose tags is in the map. */
  public static final String ANY_TAG = "*";

  /** The default tag map: test, validation, else train. */
  public static final Map<String, String> DEFAULT_TAG_SPLITS = defaultTagSplits();

  private final PolygonPolicy polygons;
  private final Map<String, String> tagSplits;

  public SuperbAiReader() {
    this(PolygonPolicy.SKIP, DEFAULT_TAG_SPLITS);
  }

  /**
   * @param polygons what to do with polygon objects
   * @param tagSplits tag name (case-insensitive) → split, tried in order; {@value #ANY_TAG} for
   *     images matching no entry (without it they get no split tag)
   */
  public SuperbAiReader(PolygonPolicy polygons, Map<String, String> tagSplits) {
    this.polygons = Objects.requireNonNull(polygons, "polygons");
    Map<String, String> m = new LinkedHashMap<>();
    tagSplits.forEach((k, v) -> m.put(k.strip().toLowerCase(Locale.ROOT), v.strip()));
    this.tagSplits = Collections.unmodifiableMap(m);
  }

  private static Map<String, String> defaultTagSplits() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("test", Splitter.TEST);
    m.put("val", Splitter.VALIDATION);
    m.put("validation", Splitter.VALIDATION);
    m.put(ANY_TAG, Splitter.TRAIN);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Parses {@code test=test,val=validation,*=train}.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static Map<String, String> parseTagSplits(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String tag = eq < 0 ? "" : entry.substring(0, eq).strip();
      String split = eq < 0 ? "" : entry.substring(eq + 1).strip();
      if (tag.isEmpty() || split.isEmpty()) {
        throw new IllegalArgumentException(
            "parameter \"tag_splits\": entry \""
                + entry.strip()
                + "\" is not TAG=SPLIT; expected e.g. test=test,val=validation,*=train");
      }
      m.put(tag, split);
    }
    if (m.isEmpty()) {
      throw new IllegalArgumentException(
          "parameter \"tag_splits\" is empty; expected e.g. test=test,val=validation,*=train");
    }
    return m;
  }

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    try (SuperbAiExport export = locate(input, root)) {
      return read(export, root, scope);
    }
  }

  /** Whether {@code input} (a folder or a zip) holds a Suite export, for format detection. */
  static boolean isExport(Path input) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    try (SuperbAiExport e = find(input, root)) {
      return e != null;
    } catch (LabelFormatException e) {
      return false;
    }
  }

  private static SuperbAiExport locate(Path input, Path root) throws IOException {
    SuperbAiExport e = find(input, root);
    if (e != null) {
      return e;
    }
    String found;
    if (Files.isDirectory(input)) {
      List<Path> all = Sources.files(input, 4, p -> true);
      TreeSet<String> exts = new TreeSet<>();
      all.forEach(p -> exts.add(Sources.extension(p)));
      found = all.size() + " files (extensions: " + (exts.isEmpty() ? "none" : exts) + ")";
    } else {
      found = "a file with extension ." + Sources.extension(input);
    }
    throw new LabelFormatException(
        input.toString(),
        0,
        0,
        "",
        "not a Superb AI Suite export: expected project.json, meta/<dataset>/<data_key>.json and"
            + " labels/<label_id>.json, unpacked or in a .zip; found "
            + found);
  }

  /** The export at or below {@code input}: a folder with project.json or meta/, or a zip. */
  private static SuperbAiExport find(Path input, Path root) throws IOException {
    if (Files.isRegularFile(input)) {
      return Sources.extension(input).equals("zip")
          ? SuperbAiExport.Zip.open(input, Sources.relative(root, input)).orElse(null)
          : null;
    }
    if (!Files.isDirectory(input)) {
      return null;
    }
    List<Path> dirs = new ArrayList<>();
    try (var s = Files.walk(input, 3)) {
      s.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    for (Path d : dirs) {
      boolean hasMeta =
          Files.isDirectory(d.resolve("meta"))
              && !Sources.files(d.resolve("meta"), 4, p -> Sources.extension(p).equals("json"))
                  .isEmpty();
      // project.json alone is a common name: it counts beside Suite's meta/ or labels/ only
      boolean hasProject =
          Files.isRegularFile(d.resolve(SuperbAiExport.PROJECT))
              && (Files.isDirectory(d.resolve("meta")) || Files.isDirectory(d.resolve("labels")));
      if (hasProject || hasMeta) {
        return new SuperbAiExport.Folder(d, root);
      }
    }
    for (Path z : Sources.files(input, 3, p -> Sources.extension(p).equals("zip"))) {
      Optional<SuperbAiExport.Zip> e = SuperbAiExport.Zip.open(z, Sources.relative(root, z));
      if (e.isPresent()) {
        return e.get();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------

  /** The project's classes: every object class by id, and the ones that become labels. */
  private record Project(
      Map<String, ObjectClass> byId, Map<String, ObjectClass> byName, List<String> declared) {}

  private record ObjectClass(String id, String name, String annotationType) {}

  private ReadResult read(SuperbAiExport export, Path root, InputScope scope) throws IOException {
    List<Rejection> rejections = new ArrayList<>();
    if (export instanceof SuperbAiExport.Folder f) {
      String why = scope.outside(f.dir());
      if (why != null) {
        throw new LabelFormatException(
            export.display(""), 0, 0, "", "the export folder " + why + "; it was not read");
      }
    }
    Project project = null;
    if (exists(export, SuperbAiExport.PROJECT, scope)) {
      project = project(export);
    } else {
      rejections.add(
          new Rejection(
              export.display(SuperbAiExport.PROJECT),
              RejectReason.MISSING_FILE,
              "the export has no project.json: object classes and their ids are unknown;"
                  + " classes are taken from the labels' class names, sorted by name"));
    }
    List<String> metas = export.metaFiles();
    if (metas.isEmpty()) {
      throw new LabelFormatException(
          export.display("meta"),
          0,
          0,
          "",
          "no meta/<dataset>/<data_key>.json file: the export lists no image");
    }
    ImageIndex images = ImageIndex.of(root);
    List<LabeledImage> out = new ArrayList<>();
    for (String meta : metas) {
      if (!exists(export, meta, scope)) {
        rejections.add(
            new Rejection(
                export.display(meta),
                RejectReason.OUTSIDE_INPUT,
                "meta file \"" + export.display(meta) + "\" lies outside the input folders"));
        continue;
      }
      try {
        LabeledImage img = item(export, meta, project, images, root, scope, rejections);
        if (img != null) {
          out.add(img);
        }
      } catch (LabelFormatException e) {
        rejections.add(
            new Rejection(export.display(meta), RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
      }
    }
    return new ReadResult(project == null ? List.of() : project.declared(), out, rejections);
  }

  private static boolean exists(SuperbAiExport export, String path, InputScope scope) {
    if (!export.exists(path)) {
      return false;
    }
    return !(export instanceof SuperbAiExport.Folder f) || scope.outside(f.file(path)) == null;
  }

  private static LocatedJson json(SuperbAiExport export, String path) throws IOException {
    return LocatedJson.parseLine(
        new String(export.read(path), StandardCharsets.UTF_8), export.display(path), 1);
  }

  /** Parses project.json; a broken one fails the read (nothing can be mapped without it). */
  private Project project(SuperbAiExport export) throws IOException {
    LocatedJson json = json(export, SuperbAiExport.PROJECT);
    JsonNode top = json.object(json.root(), null, "");
    Map<String, ObjectClass> byId = new LinkedHashMap<>();
    Map<String, ObjectClass> byName = new LinkedHashMap<>();
    List<String> declared = new ArrayList<>();
    ArrayNode classes;
    boolean legacy = !top.has("object_detection") && top.has("objects");
    if (legacy) {
      classes = json.arrayField(top, "objects", "");
    } else {
      JsonNode od = json.objectField(top, "object_detection", "");
      classes = json.arrayField(od, "object_classes", "object_detection");
    }
    for (int i = 0; i < classes.size(); i++) {
      String path = (legacy ? "objects[" : "object_detection.object_classes[") + i + "]";
      JsonNode c = json.object(classes.get(i), classes, path);
      String name;
      String id;
      String type;
      if (legacy) {
        name = json.textField(c, "class_name", path);
        JsonNode cid = c.get("class_id");
        id = cid == null || cid.isNull() ? name : cid.asText();
        JsonNode shapes = c.path("info").path("shapes");
        type = shapes.has("box") ? "box" : shapes.has("polygon") ? "polygon" : "other";
      } else {
        name = json.textField(c, "name", path);
        id = json.textField(c, "id", path);
        type = text(c, "annotation_type", "annotationType");
        if (type == null) {
          throw json.error(c, classes, path, "missing required field \"annotation_type\"");
        }
      }
      ObjectClass oc = new ObjectClass(id, name, type);
      byId.put(id, oc);
      byName.putIfAbsent(name, oc);
      boolean label = type.equals("box") || type.equals("polygon") && polygons == PolygonPolicy.BBOX;
      if (label && !declared.contains(name)) {
        declared.add(name);
      }
    }
    return new Project(byId, byName, declared);
  }

  /** One meta file and its label: an image, or null when rejected. */
  private LabeledImage item(
      SuperbAiExport export,
      String meta,
      Project project,
      ImageIndex index,
      Path root,
      InputScope scope,
      List<Rejection> rejections)
      throws IOException {
    String metaShown = export.display(meta);
    LocatedJson mj = json(export, meta);
    JsonNode m = mj.object(mj.root(), null, "");
    String dataKey = mj.textField(m, "data_key", "");
    String[] parts = meta.split("/");
    String dataset =
        m.hasNonNull("dataset") ? m.get("dataset").asText() : parts.length > 2 ? parts[1] : "";
    String labelPath;
    JsonNode lp = m.get("label_path");
    if (lp != null && lp.isArray() && lp.size() > 0 && lp.get(0).isTextual()) {
      labelPath = lp.get(0).asText();
    } else if (lp != null && lp.isTextual()) {
      labelPath = lp.asText();
    } else if (m.hasNonNull("label_id")) {
      labelPath = "labels/" + m.get("label_id").asText() + ".json";
    } else {
      throw mj.error(
          m, m, "", "missing \"label_path\" and \"label_id\": the meta file names no label");
    }
    if (!exists(export, labelPath, scope)) {
      rejections.add(
          new Rejection(
              metaShown,
              RejectReason.MISSING_FILE,
              "label file \"" + labelPath + "\" named in " + metaShown + " is not in the export"));
      return null;
    }
    int width = 0;
    int height = 0;
    JsonNode info = m.get("image_info");
    if (info != null && info.isObject()) {
      width = mj.optionalSize(info, "width", "image_info");
      height = mj.optionalSize(info, "height", "image_info");
    }
    String tag = split(tags(m));

    String labelShown = export.display(labelPath);
    List<BoxAnnotation> boxes;
    try {
      boxes = objects(json(export, labelPath), project, labelShown, rejections);
    } catch (LabelFormatException e) {
      rejections.add(new Rejection(labelShown, RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
      return null;
    }

    Path image = index.find(dataset, dataKey);
    if (image == null) {
      rejections.add(
          new Rejection(
              metaShown,
              RejectReason.IMAGE_MISSING,
              "no image file for data_key \""
                  + dataKey
                  + "\" (dataset \""
                  + dataset
                  + "\") beside the export; give the images as input \"images\""));
      return null;
    }
    String sourceId = Sources.relative(root, image);
    if (!Sources.insideOrReject(image, dataKey, scope, metaShown, rejections)) {
      return null;
    }
    if (width == 0 || height == 0) {
      ImageInfo header = Sources.headerOrReject(image, sourceId, rejections);
      if (header == null) {
        return null;
      }
      width = header.width();
      height = header.height();
    }
    return LabeledImage.detection(sourceId, image, width, height, boxes, tag);
  }

  private static List<String> tags(JsonNode meta) {
    List<String> out = new ArrayList<>();
    JsonNode tags = meta.get("tags");
    if (tags != null && tags.isArray()) {
      for (JsonNode t : tags) {
        if (t.isTextual()) {
          out.add(t.asText());
        } else if (t.isObject() && t.path("name").isTextual()) {
          out.add(t.get("name").asText());
        }
      }
    }
    return out;
  }

  /** The split of an image with these tags: the first map entry one of them names. */
  String split(List<String> tags) {
    List<String> lower = tags.stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).toList();
    for (Map.Entry<String, String> e : tagSplits.entrySet()) {
      if (!e.getKey().equals(ANY_TAG) && lower.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return tagSplits.get(ANY_TAG);
  }

  private List<BoxAnnotation> objects(
      LocatedJson json, Project project, String shown, List<Rejection> rejections) {
    JsonNode top = json.object(json.root(), null, "");
    ArrayNode objects;
    String base;
    if (top.has("objects")) {
      objects = json.arrayField(top, "objects", "");
      base = "objects";
    } else if (top.path("result").has("objects")) {
      objects = json.arrayField(top.get("result"), "objects", "result");
      base = "result.objects";
    } else {
      throw json.error(
          top,
          top,
          "",
          "expected \"objects\" (image-siesta labels) or \"result.objects\" (legacy labels)");
    }
    List<BoxAnnotation> boxes = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      String path = base + "[" + i + "]";
      String where = shown + "#" + path;
      JsonNode o = json.object(objects.get(i), objects, path);
      double[] xywh;
      String type;
      if (o.has("shape")) {
        JsonNode shape = json.objectField(o, "shape", path);
        if (shape.has("box")) {
          type = "box";
          xywh = xywh(json, json.objectField(shape, "box", path + ".shape"), path + ".shape.box");
        } else if (shape.has("x") && shape.has("width")) {
          type = "box";
          xywh = xywh(json, shape, path + ".shape");
        } else if (shape.has("polygon")) {
          type = "polygon";
          xywh = polygonBox(json, shape.get("polygon"), path + ".shape.polygon");
        } else {
          type = shape.fieldNames().hasNext() ? shape.fieldNames().next() : "empty shape";
          xywh = null;
        }
      } else {
        type = text(o, "annotation_type", "annotationType");
        if (type == null) {
          throw json.error(o, objects, path, "missing required field \"annotation_type\"");
        }
        JsonNode coord = o.path("annotation").path("coord");
        if (type.equals("box")) {
          xywh = xywh(json, json.objectField(json.objectField(o, "annotation", path), "coord",
              path + ".annotation"), path + ".annotation.coord");
        } else if (type.equals("polygon")) {
          xywh = polygonBox(json, coord.get("points"), path + ".annotation.coord.points");
        } else {
          xywh = null;
        }
      }
      if (xywh == null || type.equals("polygon") && polygons == PolygonPolicy.SKIP) {
        rejections.add(
            new Rejection(
                where,
                RejectReason.UNSUPPORTED_SHAPE,
                "a "
                    + type
                    + " object is not a box; "
                    + (type.equals("polygon")
                        ? "polygons=bbox reads polygons as their bounding boxes"
                        : "only boxes and polygons are read")));
        continue;
      }
      String name = className(o, project, where, rejections);
      if (name == null) {
        continue;
      }
      if (xywh[2] <= 0 || xywh[3] <= 0) {
        rejections.add(
            new Rejection(
                where,
                RejectReason.ZERO_AREA_BOX,
                "box \""
                    + name
                    + "\" x="
                    + BoxAnnotation.fmt(xywh[0])
                    + ", y="
                    + BoxAnnotation.fmt(xywh[1])
                    + ", width="
                    + BoxAnnotation.fmt(xywh[2])
                    + ", height="
                    + BoxAnnotation.fmt(xywh[3])
                    + " has no area; width and height must be positive"));
        continue;
      }
      boxes.add(BoxAnnotation.ofXywh(name, xywh[0], xywh[1], xywh[2], xywh[3]));
    }
    return boxes;
  }

  /** The class of an object by its UUID (or, legacy and without project.json, its name). */
  private static String className(
      JsonNode o, Project project, String where, List<Rejection> rejections) {
    String id = text(o, "class_id", "classId");
    String name = text(o, "class_name", "className");
    if (name == null) {
      name = text(o, "class", "class");
    }
    if (project == null) {
      if (name == null) {
        rejections.add(
            new Rejection(
                where,
                RejectReason.UNKNOWN_CLASS,
                "the object has no class_name and there is no project.json to look up class_id"
                    + (id == null ? "" : " \"" + id + "\"")));
      }
      return name;
    }
    if (id != null) {
      ObjectClass c = project.byId().get(id);
      if (c == null && !o.has("shape")) {
        rejections.add(
            new Rejection(
                where,
                RejectReason.UNKNOWN_CLASS,
                "class_id \""
                    + id
                    + "\""
                    + (name == null ? "" : " (\"" + name + "\")")
                    + " is not an object class of project.json (classes: "
                    + String.join(", ", project.declared())
                    + ")"));
        return null;
      }
      if (c != null) {
        return c.name();
      }
    }
    if (name != null && project.byName().containsKey(name)) {
      return name;
    }
    rejections.add(
        new Rejection(
            where,
            RejectReason.UNKNOWN_CLASS,
            "class "
                + (name == null ? "(none)" : "\"" + name + "\"")
                + " is not an object class of project.json (classes: "
                + String.join(", ", project.declared())
                + ")"));
    return null;
  }

  private static double[] xywh(LocatedJson json, JsonNode c, String path) {
    return new double[] {
      json.numberField(c, "x", path),
      json.numberField(c, "y", path),
      json.numberField(c, "width", path),
      json.numberField(c, "height", path)
    };
  }

  /**
   * The bounding box of a polygon's points: a list of {@code {x, y}}, or Suite's multi-polygon
   * (faces → rings → points), of which the outer (first) ring of each face counts.
   */
  private static double[] polygonBox(LocatedJson json, JsonNode points, String path) {
    if (points == null || !points.isArray() || points.isEmpty()) {
      throw json.error(
          points, null, path, "expected a list of {\"x\", \"y\"} points, got "
              + LocatedJson.describe(points));
    }
    List<JsonNode> flat = new ArrayList<>();
    if (points.get(0).isArray()) {
      for (JsonNode face : points) {
        JsonNode outer = face.isArray() && face.size() > 0 ? face.get(0) : null;
        if (outer != null && outer.isArray()) {
          outer.forEach(flat::add);
        }
      }
    } else {
      points.forEach(flat::add);
    }
    double x0 = Double.POSITIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (JsonNode p : flat) {
      double x = json.numberField(p, "x", path);
      double y = json.numberField(p, "y", path);
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
    if (flat.isEmpty()) {
      throw json.error(points, null, path, "the polygon has no points");
    }
    return new double[] {x0, y0, x1 - x0, y1 - y0};
  }

  private static String text(JsonNode o, String a, String b) {
    JsonNode v = o.get(a);
    if (v == null || v.isNull()) {
      v = o.get(b);
    }
    return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
  }

  /**
   * Image files beside the export by name, with Suite's doubled extension ({@code a.jpg.jpg})
   * folded to one; a data key is looked up by its path, then its name, then its stem.
   */
  private record ImageIndex(Path root, Map<String, List<Path>> byName, Map<String, List<Path>> byStem) {
    static ImageIndex of(Path root) throws IOException {
      Map<String, List<Path>> byName = new HashMap<>();
      Map<String, List<Path>> byStem = new HashMap<>();
      for (Path p : Sources.files(root, 8, Sources::isImage)) {
        String n = fold(p.getFileName().toString());
        byName.computeIfAbsent(n, k -> new ArrayList<>()).add(p);
        byStem.computeIfAbsent(Sources.stem(n), k -> new ArrayList<>()).add(p);
      }
      return new ImageIndex(root, byName, byStem);
    }

    /** {@code a.jpg.jpg} → {@code a.jpg}. */
    static String fold(String name) {
      String n = name;
      while (true) {
        String ext = Sources.extension(Path.of(n));
        String stem = n.substring(0, Math.max(0, n.length() - ext.length() - 1));
        if (!ext.isEmpty() && Sources.IMAGE_EXTENSIONS.contains(ext)
            && stem.toLowerCase(Locale.ROOT).endsWith("." + ext)) {
          n = stem;
        } else {
          return n;
        }
      }
    }

    Path find(String dataset, String dataKey) {
      String key = fold(dataKey.replace('\\', '/'));
      String name = key.substring(key.lastIndexOf('/') + 1);
      List<Path> hits = byName.getOrDefault(name, List.of());
      if (hits.isEmpty() && !Sources.IMAGE_EXTENSIONS.contains(Sources.extension(Path.of(name)))) {
        hits = byStem.getOrDefault(name, List.of());
      }
      if (hits.isEmpty()) {
        return null;
      }
      // prefer the path that ends with the key, then one in a folder named like the dataset
      TreeMap<Integer, Path> ranked = new TreeMap<>();
      for (Path p : hits) {
        String rel = Sources.relative(root, p);
        String relFolded =
            rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/') + 1) + fold(name) : name;
        int rank =
            relFolded.endsWith(key) && key.contains("/")
                ? 0
                : p.getParent() != null && p.getParent().getFileName() != null
                        && p.getParent().getFileName().toString().equals(dataset)
                    ? 1
                    : 2;
        ranked.putIfAbsent(rank, p);
      }
      return ranked.firstEntry().getValue();
    }
  }
}
