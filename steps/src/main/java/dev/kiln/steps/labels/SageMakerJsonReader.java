package dev.kiln.steps.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SageMaker's built-in object detection format: one JSON per image with {@code file}, {@code
 * image_size: [{width, height, depth}]}, {@code annotations: [{class_id, left, top, width,
 * height}]} and {@code categories: [{class_id, name}]}. The usual layout has channels {@code
 * train/}, {@code train_annotation/}, {@code validation/}, {@code validation_annotation/}; the
 * channel name becomes the split tag. A malformed file rejects only its image.
 */
public final class SageMakerJsonReader implements LabelReader {

  /** One parsed file: its image and the categories it declares. */
  public record Parsed(LabeledImage image, Map<Long, String> categories) {
    public Parsed {
      categories = Map.copyOf(categories);
    }
  }

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    List<Path> files =
        Files.isDirectory(input)
            ? Sources.files(input, 4, p -> Sources.extension(p).equals("json"))
            : List.of(input);
    TreeMap<Long, String> categories = new TreeMap<>();
    List<LabeledImage> images = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    files = Sources.inScope(files, scope, root, rejections);
    for (Path f : files) {
      try {
        Parsed p = parse(f, root, scope, rejections);
        if (p != null) {
          images.add(p.image());
          p.categories().forEach(categories::putIfAbsent);
        }
      } catch (LabelFormatException e) {
        rejections.add(
            new Rejection(
                Sources.relative(root, f), RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
      }
    }
    return new ReadResult(List.copyOf(categories.values()), images, rejections);
  }

  /**
   * Parses one annotation file.
   *
   * @param rejections receives an image whose size must come from its header and cannot
   * @return null when the image was rejected into {@code rejections}
   * @throws LabelFormatException located at the offending value
   */
  public static Parsed parse(Path file, Path root, List<Rejection> rejections) throws IOException {
    return parse(file, root, InputScope.of(root), rejections);
  }

  /** As {@link #parse(Path, Path, List)}, opening images only inside {@code scope}. */
  public static Parsed parse(Path file, Path root, InputScope scope, List<Rejection> rejections)
      throws IOException {
    String display = Sources.relative(root, file);
    LocatedJson json = LocatedJson.parse(file, display);
    JsonNode top = json.object(json.root(), null, "");
    String ref = json.textField(top, "file", "");

    TreeMap<Long, String> categories = new TreeMap<>();
    JsonNode cats = top.get("categories");
    if (cats != null && !cats.isNull()) {
      ArrayNode arr = json.arrayField(top, "categories", "");
      for (int i = 0; i < arr.size(); i++) {
        String path = "categories[" + i + "]";
        JsonNode c = json.object(arr.get(i), arr, path);
        categories.put(json.integerField(c, "class_id", path), json.textField(c, "name", path));
      }
    }

    int width = 0;
    int height = 0;
    JsonNode sizeNode = top.get("image_size");
    if (sizeNode != null && !sizeNode.isNull()) {
      ArrayNode sizes = json.arrayField(top, "image_size", "");
      if (sizes.size() != 1) {
        throw json.error(
            sizes,
            top,
            "image_size",
            "expected one {width, height, depth} object, got " + sizes.size());
      }
      JsonNode s = json.object(sizes.get(0), sizes, "image_size[0]");
      width = json.optionalSize(s, "width", "image_size[0]");
      height = json.optionalSize(s, "height", "image_size[0]");
    }

    List<BoxAnnotation> boxes = new ArrayList<>();
    ArrayNode anns = json.arrayField(top, "annotations", "");
    for (int i = 0; i < anns.size(); i++) {
      String path = "annotations[" + i + "]";
      JsonNode a = json.object(anns.get(i), anns, path);
      long cls = json.integerField(a, "class_id", path);
      double left = json.numberField(a, "left", path);
      double t = json.numberField(a, "top", path);
      double w = json.numberField(a, "width", path);
      double h = json.numberField(a, "height", path);
      boxes.add(
          BoxAnnotation.ofXywh(categories.getOrDefault(cls, "class_id:" + cls), left, t, w, h));
    }

    Path jsonDir = file.toAbsolutePath().getParent();
    List<Path> candidates = new ArrayList<>();
    candidates.add(jsonDir.resolve(ref).normalize());
    candidates.add(root.resolve(ref).normalize());
    String channel = jsonDir.getFileName() == null ? "" : jsonDir.getFileName().toString();
    if (channel.endsWith("_annotation") && jsonDir.getParent() != null) {
      Path imageChannel =
          jsonDir
              .getParent()
              .resolve(channel.substring(0, channel.length() - "_annotation".length()));
      candidates.add(imageChannel.resolve(ref).normalize());
      candidates.add(imageChannel.resolve(Path.of(ref).getFileName()));
    }
    candidates.addAll(Sources.candidatesForUri(jsonDir, ref));
    Path image = Sources.firstExisting(candidates);
    String sourceId = Sources.relative(root, image);
    if (!Sources.insideOrReject(image, ref, scope, display, rejections)) {
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
    String tag = Sources.splitTagFromPath(root, file);
    return new Parsed(
        LabeledImage.detection(sourceId, image, width, height, boxes, tag), categories);
  }
}
