package dev.kiln.steps.detector;

import dev.kiln.steps.evaluate.CocoAnnotation;
import dev.kiln.steps.evaluate.CocoCategory;
import dev.kiln.steps.evaluate.CocoDetection;
import dev.kiln.steps.evaluate.CocoEvaluator;
import dev.kiln.steps.evaluate.CocoGroundTruth;
import dev.kiln.steps.evaluate.CocoMetrics;
import java.util.ArrayList;
import java.util.List;

/** COCO box AP of detections against samples' ground truth, through {@link CocoEvaluator}. */
public final class Evaluation {
  private Evaluation() {}

  /** Images are numbered from 1 in list order; boxes are measured in each image's own pixels. */
  public static CocoMetrics coco(
      List<Sample> samples, List<List<Detection>> detections, List<String> classes) {
    List<Long> ids = new ArrayList<>();
    List<CocoAnnotation> gts = new ArrayList<>();
    List<CocoDetection> dts = new ArrayList<>();
    long annId = 1;
    for (int i = 0; i < samples.size(); i++) {
      long id = i + 1;
      ids.add(id);
      Sample s = samples.get(i);
      double w = s.image().getWidth();
      double h = s.image().getHeight();
      for (Box b : s.boxes()) {
        double bw = b.width() * w;
        double bh = b.height() * h;
        gts.add(new CocoAnnotation(
            annId++, id, b.label() + 1, b.xmin() * w, b.ymin() * h, bw, bh, bw * bh, false));
      }
      for (Detection d : detections.get(i)) {
        dts.add(new CocoDetection(id, d.classId() + 1, d.xmin() * w, d.ymin() * h,
            (d.xmax() - d.xmin()) * w, (d.ymax() - d.ymin()) * h, d.score()));
      }
    }
    List<CocoCategory> cats = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      cats.add(new CocoCategory(c + 1, classes.get(c)));
    }
    return CocoEvaluator.evaluate(new CocoGroundTruth(ids, cats, gts), dts);
  }
}
