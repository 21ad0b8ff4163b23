package dev.kiln.steps.detector;

import dev.kiln.steps.labels.TfExamples;
import dev.kiln.steps.tfrecord.Example;
import dev.kiln.steps.tfrecord.ExampleCodec;
import dev.kiln.steps.tfrecord.Feature;
import dev.kiln.steps.tfrecord.TfRecordReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Reads TF Object Detection API examples ({@code image/encoded}, normalised {@code
 * image/object/bbox/*}, {@code image/object/class/label} from 1) from TFRecord shards.
 */
public final class TfRecordSamples {
  private TfRecordSamples() {}

  /**
   * Reads up to {@code limit} samples (0: all) from the files, in file order.
   *
   * @throws IOException naming the file and record when one cannot be used
   */
  public static List<Sample> read(List<Path> files, int limit, int numClasses) throws IOException {
    List<Sample> out = new ArrayList<>();
    for (Path f : files) {
      try (TfRecordReader r = TfRecordReader.open(f)) {
        byte[] rec;
        while ((rec = r.next()) != null) {
          long index = r.recordsRead();
          out.add(decode(ExampleCodec.decode(rec), f + " record " + index, numClasses));
          if (limit > 0 && out.size() >= limit) {
            return out;
          }
        }
      }
    }
    return out;
  }

  static Sample decode(Example e, String where, int numClasses) throws IOException {
    if (!e.features().containsKey(TfExamples.ENCODED)) {
      throw new IOException(where + ": no " + TfExamples.ENCODED + " feature");
    }
    byte[] bytes = e.bytes(TfExamples.ENCODED).get(0);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
    if (img == null) {
      throw new IOException(where + ": " + TfExamples.ENCODED + " is not a PNG, JPEG, GIF or BMP");
    }
    String key = where;
    for (String k : List.of(TfExamples.SOURCE_ID, TfExamples.FILENAME)) {
      Feature f = e.features().get(k);
      if (f instanceof Feature.BytesList b && b.size() > 0 && !b.string(0).isEmpty()) {
        key = b.string(0);
        break;
      }
    }
    List<Box> boxes = new ArrayList<>();
    if (e.features().containsKey(TfExamples.XMIN)) {
      float[] x0 = e.floats(TfExamples.XMIN).values();
      float[] y0 = e.floats(TfExamples.YMIN).values();
      float[] x1 = e.floats(TfExamples.XMAX).values();
      float[] y1 = e.floats(TfExamples.YMAX).values();
      long[] labels = e.int64s(TfExamples.OBJECT_LABEL).values();
      if (y0.length != x0.length || x1.length != x0.length || y1.length != x0.length
          || labels.length != x0.length) {
        throw new IOException(where + ": bbox and label lists have different lengths");
      }
      for (int i = 0; i < x0.length; i++) {
        if (labels[i] < 1 || labels[i] > numClasses) {
          throw new IOException(
              where + ": object " + i + " has label " + labels[i] + ", classes.txt has "
                  + numClasses + " classes (labels count from 1)");
        }
        boxes.add(new Box(x0[i], y0[i], x1[i], y1[i], (int) labels[i] - 1));
      }
    }
    return new Sample(key, img, boxes);
  }
}
