package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COCO val2017 scale: 5,000 images, 80 categories, 100 detections per image (500,000) evaluated;
 * the reader is timed on a file of the first 100,000 of them. Bounds are loose (shared CI
 * machines); the times are printed.
 */
class CocoEvaluatorScaleTest {
  private static final int IMAGES = 5000;
  private static final int CATEGORIES = 80;
  private static final int DETS_PER_IMAGE = 100;
  private static final int FILE_DETS = 100_000;

  @Test
  void evaluatesFiveThousandImagesWithAHundredDetectionsEachInSeconds(@TempDir Path tmp)
      throws IOException {
    Random random = new Random(11);
    List<Long> images = new ArrayList<>();
    List<CocoCategory> categories = new ArrayList<>();
    List<CocoAnnotation> anns = new ArrayList<>();
    List<CocoDetection> dts = new ArrayList<>();
    for (int c = 1; c <= CATEGORIES; c++) {
      categories.add(new CocoCategory(c, "c" + c));
    }
    long annId = 1;
    for (long img = 1; img <= IMAGES; img++) {
      images.add(img);
      List<CocoAnnotation> here = new ArrayList<>();
      for (int g = 0, n = 1 + random.nextInt(12); g < n; g++) {
        double w = 5 + random.nextDouble() * 300;
        double h = 5 + random.nextDouble() * 300;
        CocoAnnotation a =
            new CocoAnnotation(
                annId++,
                img,
                1 + random.nextInt(CATEGORIES),
                random.nextDouble() * 300,
                random.nextDouble() * 200,
                w,
                h,
                w * h * 0.8,
                random.nextInt(50) == 0);
        here.add(a);
      }
      anns.addAll(here);
      for (int d = 0; d < DETS_PER_IMAGE; d++) {
        CocoAnnotation a = here.get(random.nextInt(here.size()));
        boolean near = random.nextInt(3) > 0;
        long cat = near ? a.categoryId() : 1 + random.nextInt(CATEGORIES);
        double s = near ? 0.1 : 0.5;
        dts.add(
            new CocoDetection(
                img,
                cat,
                a.x() + random.nextGaussian() * a.width() * s,
                a.y() + random.nextGaussian() * a.height() * s,
                a.width() * (1 + random.nextGaussian() * s * 0.5),
                a.height() * (1 + random.nextGaussian() * s * 0.5),
                Math.round(random.nextDouble() * 1000) / 1000.0));
      }
    }
    Path dtFile = tmp.resolve("dt.json");
    try (BufferedWriter w = Files.newBufferedWriter(dtFile)) {
      w.write("[");
      for (int i = 0; i < FILE_DETS; i++) {
        CocoDetection d = dts.get(i);
        StringBuilder line = new StringBuilder(120);
        line.append(i == 0 ? "" : ",")
            .append("{\"image_id\": ")
            .append(d.imageId())
            .append(", \"category_id\": ")
            .append(d.categoryId())
            .append(", \"bbox\": [")
            .append(d.x())
            .append(", ")
            .append(d.y())
            .append(", ")
            .append(d.width())
            .append(", ")
            .append(d.height())
            .append("], \"score\": ")
            .append(d.score())
            .append("}\n");
        w.write(line.toString());
      }
      w.write("]");
    }
    CocoGroundTruth gt = new CocoGroundTruth(images, categories, anns);

    long t0 = System.nanoTime();
    CocoDetections read = CocoDetections.read(dtFile);
    long t1 = System.nanoTime();
    CocoMetrics m = CocoEvaluator.evaluate(gt, dts);
    long t2 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "scale: read %d detections in %.2f s; evaluated %d images, %d detections in %.2f s, AP"
            + " %.4f%n",
        read.list().size(),
        (t1 - t0) / 1e9,
        IMAGES,
        dts.size(),
        (t2 - t1) / 1e9,
        m.ap());

    assertThat(read.list()).isEqualTo(dts.subList(0, FILE_DETS));
    assertThat(m.ap()).isBetween(0.05, 0.95);
    assertThat((t2 - t1) / 1e9).as("evaluation seconds").isLessThan(20);
    // Same input, same numbers: the evaluator keeps no state between calls.
    assertThat(CocoEvaluator.evaluate(gt, dts).stats()).containsExactly(m.stats());
  }
}
