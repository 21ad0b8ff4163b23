package dev.kiln.steps.evaluate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A COCO ground-truth dataset reduced to what bbox evaluation reads: image ids, categories and
 * annotations.
 *
 * <p>As in pycocotools, the images listed are the images evaluated (an image without annotations
 * still counts its detections as false positives); duplicate image or category ids count once;
 * annotations on an image or of a category that is not listed are not evaluated (see {@link
 * #warnings()}). An annotation's {@code ignore} field is read by nobody: pycocotools' {@code
 * _prepare} overwrites it with {@code iscrowd}, so only crowds are ignored, and Kiln does the same.
 *
 * @param imageIds ids of {@code images[*]}, in file order
 * @param categories {@code categories[*]}, in file order
 * @param annotations {@code annotations[*]}, in file order (the order decides ties, as upstream)
 */
public record CocoGroundTruth(
    List<Long> imageIds, List<CocoCategory> categories, List<CocoAnnotation> annotations) {

  public CocoGroundTruth {
    imageIds = List.copyOf(imageIds);
    categories = List.copyOf(categories);
    annotations = List.copyOf(annotations);
    Set<Long> ids = new HashSet<>();
    for (CocoAnnotation a : annotations) {
      if (!ids.add(a.id())) {
        throw new IllegalArgumentException(
            "duplicate annotation id " + a.id() + ": pycocotools indexes annotations by id");
      }
    }
  }

  /**
   * Reads a COCO dataset file ({@code instances_val2017.json} style). Required: {@code
   * images[*].id}, {@code categories[*].id}, and for each annotation {@code id}, {@code image_id},
   * {@code category_id}, {@code bbox} and {@code area}; a missing {@code iscrowd} reads as 0
   * (pycocotools would stop with a KeyError), a missing category name as its id. Other fields are
   * skipped.
   *
   * @throws EvaluationInputException with {@code file:line:col: json.path: problem} when the file
   *     cannot be read or a field the evaluation needs is missing or of the wrong type
   */
  public static CocoGroundTruth read(Path file) {
    requireNonNull(file, "file");
    try (JsonInput in = JsonInput.open(file)) {
      return new Reader(in).read();
    }
  }

  /**
   * What pycocotools silently skips and a user probably wants to know: annotations on images or of
   * categories that the file does not list.
   */
  public List<String> warnings() {
    long[] images = imageIds.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] cats = categories.stream().mapToLong(CocoCategory::id).sorted().toArray();
    int unknownImage = 0;
    int unknownCategory = 0;
    for (CocoAnnotation a : annotations) {
      if (Arrays.binarySearch(images, a.imageId()) < 0) {
        unknownImage++;
      } else if (Arrays.binarySearch(cats, a.categoryId()) < 0) {
        unknownCategory++;
      }
    }
    List<String> out = new ArrayList<>();
    if (unknownImage > 0) {
      out.add(
          unknownImage
              + " annotation(s) refer to an image id that is not in \"images\"; they are not"
              + " evaluated (as in pycocotools)");
    }
    if (unknownCategory > 0) {
      out.add(
          unknownCategory
              + " annotation(s) refer to a category id that is not in \"categories\"; they are not"
              + " evaluated (as in pycocotools)");
    }
    return List.copyOf(out);
  }

  /** Parses the top-level object field by field; keys may come in any order. */
  private static final class Reader {
    private final JsonInput in;
    private final List<Long> imageIds = new ArrayList<>();
    private final List<CocoCategory> categories = new ArrayList<>();
    private final List<CocoAnnotation> annotations = new ArrayList<>();
    private final Map<Long, Integer> annotationIndexById = new HashMap<>();
    private final double[] box = new double[4];

    Reader(JsonInput in) {
      this.in = in;
    }

    CocoGroundTruth read() {
      JsonToken t = in.next();
      JsonLocation root = in.location();
      if (t != JsonToken.START_OBJECT) {
        throw in.error(
            root,
            "$",
            "expected a COCO dataset object {\"images\": [...], \"annotations\": [...],"
                + " \"categories\": [...]}, got "
                + in.describe());
      }
      boolean images = false;
      boolean cats = false;
      while (in.next() == JsonToken.FIELD_NAME) {
        String name = in.fieldName();
        in.next();
        switch (name) {
          case "images" -> {
            readArray("images", this::readImage);
            images = true;
          }
          case "annotations" -> readArray("annotations", this::readAnnotation);
          case "categories" -> {
            readArray("categories", this::readCategory);
            cats = true;
          }
          default -> in.skip();
        }
      }
      in.expectEnd();
      if (!images) {
        throw in.error(
            root, "$", "missing \"images\": the list of images is the set that is evaluated");
      }
      if (!cats) {
        throw in.error(
            root,
            "$",
            "missing \"categories\": the list of categories is the set that is evaluated");
      }
      return new CocoGroundTruth(imageIds, categories, annotations);
    }

    private interface ElementReader {
      void read(int index, String path, JsonLocation start);
    }

    private void readArray(String name, ElementReader element) {
      if (in.current() != JsonToken.START_ARRAY) {
        throw in.error(in.location(), name, "expected an array, got " + in.describe());
      }
      int i = 0;
      for (JsonToken t = in.next(); t != JsonToken.END_ARRAY; t = in.next(), i++) {
        String path = name + "[" + i + "]";
        if (t != JsonToken.START_OBJECT) {
          throw in.error(in.location(), path, "expected an object, got " + in.describe());
        }
        element.read(i, path, in.location());
      }
    }

    private void readImage(int index, String path, JsonLocation start) {
      Long id = null;
      while (in.next() == JsonToken.FIELD_NAME) {
        String field = in.fieldName();
        in.next();
        if (field.equals("id")) {
          id = in.integer(() -> path + ".id");
        } else {
          in.skip();
        }
      }
      if (id == null) {
        throw in.error(start, path, "missing \"id\"");
      }
      imageIds.add(id);
    }

    private void readCategory(int index, String path, JsonLocation start) {
      Long id = null;
      String name = null;
      while (in.next() == JsonToken.FIELD_NAME) {
        String field = in.fieldName();
        in.next();
        switch (field) {
          case "id" -> id = in.integer(() -> path + ".id");
          case "name" -> name = in.string(() -> path + ".name");
          default -> in.skip();
        }
      }
      if (id == null) {
        throw in.error(start, path, "missing \"id\"");
      }
      categories.add(new CocoCategory(id, name == null ? String.valueOf(id) : name));
    }

    private void readAnnotation(int index, String path, JsonLocation start) {
      long id = 0;
      long imageId = 0;
      long categoryId = 0;
      double area = 0;
      boolean crowd = false;
      boolean hasId = false;
      boolean hasImage = false;
      boolean hasCategory = false;
      boolean hasBox = false;
      boolean hasArea = false;
      JsonLocation idAt = start;
      while (in.next() == JsonToken.FIELD_NAME) {
        String field = in.fieldName();
        in.next();
        switch (field) {
          case "id" -> {
            idAt = in.location();
            id = in.integer(() -> path + ".id");
            hasId = true;
          }
          case "image_id" -> {
            imageId = in.integer(() -> path + ".image_id");
            hasImage = true;
          }
          case "category_id" -> {
            categoryId = in.integer(() -> path + ".category_id");
            hasCategory = true;
          }
          case "bbox" -> {
            in.bbox(() -> path + ".bbox", box);
            hasBox = true;
          }
          case "area" -> {
            area = in.number(() -> path + ".area");
            hasArea = true;
          }
          case "iscrowd" -> crowd = in.flag(() -> path + ".iscrowd");
          default -> in.skip();
        }
      }
      String missing =
          !hasId
              ? "id"
              : !hasImage ? "image_id" : !hasCategory ? "category_id" : !hasBox ? "bbox" : null;
      if (missing != null) {
        throw in.error(start, path, "missing \"" + missing + "\"");
      }
      if (!hasArea) {
        throw in.error(
            start,
            path,
            "missing \"area\" (pycocotools sizes objects by this field, not by the box; write"
                + " width*height if the dataset has no segmentation)");
      }
      Integer first = annotationIndexById.putIfAbsent(id, index);
      if (first != null) {
        throw in.error(
            idAt,
            path + ".id",
            "duplicate annotation id " + id + " (also annotations[" + first + "].id)");
      }
      annotations.add(
          new CocoAnnotation(id, imageId, categoryId, box[0], box[1], box[2], box[3], area, crowd));
    }
  }
}
