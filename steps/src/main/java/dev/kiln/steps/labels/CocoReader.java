package dev.kiln.steps.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * COCO object-detection JSON ({@code images}, {@code annotations} with {@code bbox = [x, y, width,
 * height]} in pixels, {@code categories}). A folder may hold several files, e.g. Roboflow's {@code
 * train/_annotations.coco.json}, {@code valid/...}, {@code test/...}: the folder name becomes the
 * split tag.
 *
 * <p>Classes are declared in category-id order. A category that only serves as another category's
 * {@code supercategory} and labels nothing (Roboflow writes one with id 0) is left out, so that
 * label ids stay consecutive over the classes actually used.
 */
public final class CocoReader implements LabelReader {
  /** The file name Roboflow and others use; any COCO JSON is accepted. */
  public static final String DEFAULT_FILE = "_annotations.coco.json";

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    List<Path> files = Files.isDirectory(input) ? findFiles(input) : List.of(input);
    if (files.isEmpty()) {
      throw new LabelFormatException(
          input.toString(),
          0,
          0,
          "",
          "no COCO JSON file (an object with \"images\", \"annotations\" and \"categories\")"
              + " found");
    }
    LinkedHashSet<String> classes = new LinkedHashSet<>();
    List<LabeledImage> images = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    files = Sources.inScope(files, scope, root, rejections);
    for (Path f : files) {
      ReadResult r;
      try {
        r = parse(f, root, scope);
      } catch (LabelFormatException e) {
        // A file that does not parse, or whose categories or images are malformed, is rejected
        // as a whole; the other files still convert.
        rejections.add(
            new Rejection(
                Sources.relative(root, f), RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
        continue;
      }
      classes.addAll(r.declaredClasses());
      images.addAll(r.images());
      rejections.addAll(r.rejections());
    }
    return new ReadResult(List.copyOf(classes), images, rejections);
  }

  /** COCO files under a folder: {@value #DEFAULT_FILE} anywhere, else any JSON with COCO's keys. */
  static List<Path> findFiles(Path dir) throws IOException {
    List<Path> named = Sources.files(dir, 3, p -> p.getFileName().toString().equals(DEFAULT_FILE));
    if (!named.isEmpty()) {
      return named;
    }
    List<Path> out = new ArrayList<>();
    for (Path p : Sources.files(dir, 3, p -> Sources.extension(p).equals("json"))) {
      if (JsonSniffer.topLevelKeys(p).containsAll(Set.of("images", "annotations"))) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Parses one COCO file. Images are looked up next to the file, in its {@code images/} folder, or
   * under {@code root}. A malformed annotation is rejected with its location and the rest go on.
   *
   * @throws LabelFormatException located at the offending value, when the file does not parse or
   *     its categories or images are malformed
   */
  public static ReadResult parse(Path file, Path root) throws IOException {
    return parse(file, root, InputScope.of(root));
  }

  /** As {@link #parse(Path, Path)}, opening images only inside {@code scope}. */
  public static ReadResult parse(Path file, Path root, InputScope scope) throws IOException {
    String display = Sources.relative(root, file);
    LocatedJson json = LocatedJson.parse(file, display);
    JsonNode top = json.object(json.root(), null, "");
    Path dir = file.toAbsolutePath().getParent();
    String tag = Sources.splitTagFromPath(root, file);

    // categories
    TreeMap<Long, String> categories = new TreeMap<>();
    Map<Long, String> supers = new HashMap<>();
    ArrayNode cats = json.arrayField(top, "categories", "");
    for (int i = 0; i < cats.size(); i++) {
      String path = "categories[" + i + "]";
      JsonNode c = json.object(cats.get(i), cats, path);
      long id = json.integerField(c, "id", path);
      String name = json.textField(c, "name", path);
      if (categories.containsKey(id)) {
        throw json.error(
            c.get("id"),
            c,
            path + ".id",
            "duplicate category id " + id + " (also \"" + categories.get(id) + "\")");
      }
      categories.put(id, name);
      JsonNode sup = c.get("supercategory");
      if (sup != null && sup.isTextual()) {
        supers.put(id, sup.asText());
      }
    }

    // images: a malformed entry rejects that image (and, silently, its annotations)
    List<Rejection> rejections = new ArrayList<>();
    Map<String, ImageEntry> byId = new LinkedHashMap<>();
    Set<String> rejectedIds = new HashSet<>();
    ArrayNode imgs = json.arrayField(top, "images", "");
    for (int i = 0; i < imgs.size(); i++) {
      String path = "images[" + i + "]";
      JsonNode im = json.object(imgs.get(i), imgs, path);
      JsonNode idNode = json.field(im, "id", path);
      if (!(idNode.isIntegralNumber() || idNode.isTextual())) {
        throw json.error(
            idNode,
            im,
            path + ".id",
            "expected an integer or string id, got " + LocatedJson.describe(idNode));
      }
      String id = idNode.asText();
      if (byId.containsKey(id)) {
        throw json.error(idNode, im, path + ".id", "duplicate image id " + id);
      }
      try {
        String fileName = json.textField(im, "file_name", path);
        int w = json.optionalSize(im, "width", path);
        int h = json.optionalSize(im, "height", path);
        byId.put(id, new ImageEntry(path, fileName, w, h, new ArrayList<>()));
      } catch (LabelFormatException e) {
        rejectedIds.add(id);
        rejections.add(
            new Rejection(display + "#" + path, RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
      }
    }

    // annotations
    Set<Long> used = new HashSet<>();
    ArrayNode anns = json.arrayField(top, "annotations", "");
    for (int i = 0; i < anns.size(); i++) {
      String path = "annotations[" + i + "]";
      JsonNode a;
      JsonNode imageId;
      long cat;
      double[] v = new double[4];
      try {
        a = json.object(anns.get(i), anns, path);
        imageId = json.field(a, "image_id", path);
        cat = json.integerField(a, "category_id", path);
        JsonNode bbox = json.field(a, "bbox", path);
        if (!bbox.isArray() || bbox.size() != 4) {
          throw json.error(
              bbox,
              a,
              path + ".bbox",
              "expected [x, y, width, height] (4 numbers), got " + LocatedJson.describe(bbox));
        }
        for (int k = 0; k < 4; k++) {
          v[k] = json.number(bbox.get(k), bbox, path + ".bbox[" + k + "]");
        }
      } catch (LabelFormatException e) {
        rejections.add(
            new Rejection(display + "#" + path, RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
        continue;
      }
      ImageEntry target = byId.get(imageId.asText());
      if (target == null && rejectedIds.contains(imageId.asText())) {
        continue; // its image is rejected already
      }
      if (target == null) {
        rejections.add(
            new Rejection(
                display + "#" + path,
                RejectReason.ORPHAN_ANNOTATION,
                json.error(imageId, a, path + ".image_id", "no image with id " + imageId.asText())
                    .getMessage()));
        continue;
      }
      used.add(cat);
      String name = categories.getOrDefault(cat, "category_id:" + cat);
      target.boxes.add(BoxAnnotation.ofXywh(name, v[0], v[1], v[2], v[3]));
    }

    List<String> declared = new ArrayList<>();
    for (Map.Entry<Long, String> e : categories.entrySet()) {
      boolean isSuperOfOther =
          supers.entrySet().stream()
              .anyMatch(s -> !s.getKey().equals(e.getKey()) && s.getValue().equals(e.getValue()));
      if (isSuperOfOther && !used.contains(e.getKey())) {
        continue;
      }
      if (!declared.contains(e.getValue())) {
        declared.add(e.getValue());
      }
    }

    List<LabeledImage> out = new ArrayList<>(byId.size());
    for (ImageEntry e : byId.values()) {
      Path image =
          Sources.firstExisting(
              List.of(
                  dir.resolve(e.fileName),
                  dir.resolve("images").resolve(e.fileName),
                  root.resolve(e.fileName)));
      String sourceId = Sources.relative(root, image);
      if (!Sources.insideOrReject(image, e.fileName, scope, display + "#" + e.path, rejections)) {
        continue;
      }
      int w = e.width;
      int h = e.height;
      if (w == 0 || h == 0) {
        ImageInfo info = Sources.headerOrReject(image, sourceId, rejections);
        if (info == null) {
          continue;
        }
        w = info.width();
        h = info.height();
      }
      out.add(LabeledImage.detection(sourceId, image, w, h, e.boxes, tag));
    }
    return new ReadResult(declared, out, rejections);
  }

  private record ImageEntry(
      String path, String fileName, int width, int height, List<BoxAnnotation> boxes) {}
}
