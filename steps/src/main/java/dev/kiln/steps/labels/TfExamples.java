package dev.kiln.steps.labels;

import dev.kiln.steps.tfrecord.Example;
import dev.kiln.steps.tfrecord.Feature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature keys and encoding of the TensorFlow Object Detection API's {@code tf.Example} (as
 * written by its {@code create_*_tf_record.py} tools), so that its input readers and Kiln's trainer
 * read what {@code convert-labels} writes.
 */
public final class TfExamples {
  public static final String ENCODED = "image/encoded";
  public static final String FORMAT = "image/format";
  public static final String HEIGHT = "image/height";
  public static final String WIDTH = "image/width";
  public static final String FILENAME = "image/filename";
  public static final String SOURCE_ID = "image/source_id";
  public static final String XMIN = "image/object/bbox/xmin";
  public static final String XMAX = "image/object/bbox/xmax";
  public static final String YMIN = "image/object/bbox/ymin";
  public static final String YMAX = "image/object/bbox/ymax";
  public static final String OBJECT_LABEL = "image/object/class/label";
  public static final String OBJECT_TEXT = "image/object/class/text";

  /** Classification datasets: one label for the whole image. */
  public static final String IMAGE_LABEL = "image/class/label";

  public static final String IMAGE_TEXT = "image/class/text";

  private TfExamples() {}

  /**
   * Builds the example of a validated image. Box coordinates are divided by the image size, so they
   * lie in [0, 1]; class ids come from {@code classes} (from 1).
   *
   * @throws IllegalArgumentException if a class is not in {@code classes} (validate first)
   */
  public static Example encode(
      LabeledImage image, byte[] encoded, ImageFormat format, ClassList classes) {
    int n = image.boxes().size();
    float[] xmin = new float[n];
    float[] xmax = new float[n];
    float[] ymin = new float[n];
    float[] ymax = new float[n];
    long[] ids = new long[n];
    List<String> texts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      BoxAnnotation b = image.boxes().get(i);
      xmin[i] = (float) (b.xmin() / image.width());
      xmax[i] = (float) (b.xmax() / image.width());
      ymin[i] = (float) (b.ymin() / image.height());
      ymax[i] = (float) (b.ymax() / image.height());
      ids[i] = idOf(classes, b.className());
      texts.add(b.className());
    }
    Map<String, Feature> f = new LinkedHashMap<>();
    f.put(ENCODED, Feature.BytesList.of(encoded));
    f.put(FORMAT, Feature.BytesList.ofString(format.tfName()));
    f.put(HEIGHT, Feature.Int64List.of(image.height()));
    f.put(WIDTH, Feature.Int64List.of(image.width()));
    f.put(FILENAME, Feature.BytesList.ofString(image.filename()));
    f.put(SOURCE_ID, Feature.BytesList.ofString(image.sourceId()));
    f.put(XMIN, new Feature.FloatList(xmin));
    f.put(XMAX, new Feature.FloatList(xmax));
    f.put(YMIN, new Feature.FloatList(ymin));
    f.put(YMAX, new Feature.FloatList(ymax));
    f.put(OBJECT_LABEL, new Feature.Int64List(ids));
    f.put(OBJECT_TEXT, Feature.BytesList.ofStrings(texts));
    image
        .label()
        .ifPresent(
            label -> {
              f.put(IMAGE_LABEL, Feature.Int64List.of(idOf(classes, label)));
              f.put(IMAGE_TEXT, Feature.BytesList.ofString(label));
            });
    return Example.of(f);
  }

  private static int idOf(ClassList classes, String name) {
    return classes
        .id(name)
        .orElseThrow(
            () -> new IllegalArgumentException("class \"" + name + "\" not in " + classes.names()));
  }
}
