package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tiny cases whose numbers are derived by hand below, from pycocotools' algorithm (each agrees with
 * the oracle {@code src/test/python/cocoeval_oracle.py}).
 *
 * <p>Notation: for one category with one ground truth, a detection sequence gives per IoU threshold
 * the cumulated tp and fp, {@code rc = tp / npig} and {@code pr = tp / (tp + fp + eps)} with {@code
 * eps = 2^-52}; so a lone true positive has precision {@code x = 1 / (1 + 2^-52) =
 * 0.9999999999999998}, not 1. AP is the mean of the 101 interpolated precisions over the 10
 * thresholds.
 */
class CocoEvaluatorTest {
  private static final double X = 1 / (1 + Math.ulp(1.0));
  private static final double EXACT = 1e-12;

  private static CocoGroundTruth gt(CocoAnnotation... anns) {
    List<Long> images = new ArrayList<>();
    for (CocoAnnotation a : anns) {
      if (!images.contains(a.imageId())) {
        images.add(a.imageId());
      }
    }
    return new CocoGroundTruth(images, List.of(new CocoCategory(1, "thing")), List.of(anns));
  }

  private static CocoAnnotation box(long id, double x, double y, double w, double h) {
    return new CocoAnnotation(id, 1, 1, x, y, w, h, w * h, false);
  }

  private static CocoDetection det(double x, double y, double w, double h, double score) {
    return new CocoDetection(1, 1, x, y, w, h, score);
  }

  @Test
  void onePerfectDetection() {
    // 1 gt [0,0,10,10] (area 100: small), 1 identical dt. At every threshold: rc = [1], pr = [x];
    // every recall threshold reads x. Medium and large have no gt: -1. Recall is exactly 1.
    CocoMetrics m =
        CocoEvaluator.evaluate(gt(box(1, 0, 0, 10, 10)), List.of(det(0, 0, 10, 10, 0.9)));
    assertThat(m.ap()).isCloseTo(X, within(EXACT)).isLessThan(1.0);
    assertThat(m.ap50()).isCloseTo(X, within(EXACT));
    assertThat(m.ap75()).isCloseTo(X, within(EXACT));
    assertThat(m.apSmall()).isCloseTo(X, within(EXACT));
    assertThat(m.apMedium()).isEqualTo(-1);
    assertThat(m.apLarge()).isEqualTo(-1);
    assertThat(new double[] {m.ar1(), m.ar10(), m.ar100(), m.arSmall()})
        .containsExactly(1, 1, 1, 1);
    assertThat(m.arMedium()).isEqualTo(-1);
    assertThat(m.arLarge()).isEqualTo(-1);
    assertThat(m.perCategory())
        .singleElement()
        .satisfies(c -> assertThat(c.ap()).isCloseTo(X, within(EXACT)));
  }

  @Test
  void iouOfExactlyPointSixMatchesThreeThresholds() {
    // dt [0,0,10,6] against gt [0,0,10,10]: intersection 60, union 100 + 60 - 60 = 100, IoU 0.6.
    // A dt matches when IoU >= t, and np.linspace's third threshold is exactly 0.6, so it matches
    // at 0.50, 0.55 and 0.60 (AP_t = x) and not at the 7 others (AP_t = 0): AP = 3x/10 ~ 0.3,
    // not 0.2. AP50 = x, AP75 = 0, AR100 = 3/10.
    CocoMetrics m =
        CocoEvaluator.evaluate(gt(box(1, 0, 0, 10, 10)), List.of(det(0, 0, 10, 6, 0.9)));
    assertThat(m.ap()).isCloseTo(0.3, within(EXACT));
    assertThat(m.ap50()).isCloseTo(X, within(EXACT));
    assertThat(m.ap75()).isEqualTo(0);
    assertThat(m.ar100()).isCloseTo(0.3, within(EXACT));
  }

  @Test
  void aDetectionInACrowdRegionIsIgnoredNotAFalsePositive() {
    // gt 1: crowd [0,0,100,100]; gt 2: [200,200,10,10]. dt A [10,10,20,20] (0.9) lies in the crowd:
    // crowd IoU = intersection / dt area = 1, it matches the crowd and is ignored. dt B (0.8)
    // matches gt 2; dt C (0.7) is a false positive. npig = 1 (the crowd does not count).
    // Sorted: A(ignored) B(tp) C(fp): tp = [0,1,1], fp = [0,0,1], rc = [0,1,1],
    // pr = [0, x, 1/(2+eps)] -> envelope [x, x, 0.5]; every recall threshold reads x: AP = x.
    // Were A a false positive, pr would be [0, 0.5, 0.33] and AP 0.5.
    CocoGroundTruth truth =
        new CocoGroundTruth(
            List.of(1L),
            List.of(new CocoCategory(1, "person")),
            List.of(
                new CocoAnnotation(1, 1, 1, 0, 0, 100, 100, 10000, true),
                new CocoAnnotation(2, 1, 1, 200, 200, 10, 10, 100, false)));
    CocoMetrics m =
        CocoEvaluator.evaluate(
            truth,
            List.of(
                det(10, 10, 20, 20, 0.9), det(200, 200, 10, 10, 0.8), det(500, 500, 10, 10, 0.7)));
    assertThat(m.ap()).isCloseTo(X, within(EXACT));
    assertThat(m.ar100()).isEqualTo(1);
    // The crowd is large; no non-crowd gt is large, so large is undefined.
    assertThat(m.apLarge()).isEqualTo(-1);
  }

  @Test
  void equalScoresKeepInputOrder() {
    // One gt [0,0,10,10]; two dts with the same score: first [0,0,10,7] (IoU 0.7), then the
    // perfect box. The stable sort keeps this order, so the IoU-0.7 box takes the gt at
    // t = .50 .. .70 (5 thresholds: [tp, fp] -> AP_t = x) and the perfect box takes it at
    // t = .75 .. .95 (5 thresholds: [fp, tp] -> pr [0, 0.5] -> envelope 0.5 -> AP_t = 0.5).
    // AP = (5x + 5 * 0.5) / 10 ~ 0.75. In the other order AP would be x.
    CocoMetrics m =
        CocoEvaluator.evaluate(
            gt(box(1, 0, 0, 10, 10)), List.of(det(0, 0, 10, 7, 0.5), det(0, 0, 10, 10, 0.5)));
    assertThat(m.ap()).isCloseTo(0.75, within(EXACT));
    CocoMetrics swapped =
        CocoEvaluator.evaluate(
            gt(box(1, 0, 0, 10, 10)), List.of(det(0, 0, 10, 10, 0.5), det(0, 0, 10, 7, 0.5)));
    assertThat(swapped.ap()).isCloseTo(X, within(EXACT));
  }

  @Test
  void onlyTheHundredBestDetectionsPerImageCount() {
    // 100 false positives at 0.9 and the perfect box at 0.1: the perfect box is the 101st and is
    // dropped, so nothing is found. With 99 false positives it is kept (AR100 = 1, AR10 = 0) and
    // sits last: pr = 1 / (100 + eps) = 0.01 everywhere after the envelope: AP = 0.01.
    List<CocoDetection> dts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      dts.add(det(500 + i, 500, 10, 10, 0.9));
    }
    dts.add(det(0, 0, 10, 10, 0.1));
    CocoMetrics dropped = CocoEvaluator.evaluate(gt(box(1, 0, 0, 10, 10)), dts);
    assertThat(dropped.ar100()).isEqualTo(0);
    assertThat(dropped.ap()).isEqualTo(0);

    dts.remove(0);
    CocoMetrics kept = CocoEvaluator.evaluate(gt(box(1, 0, 0, 10, 10)), dts);
    assertThat(kept.ar100()).isEqualTo(1);
    assertThat(kept.ar10()).isEqualTo(0);
    assertThat(kept.ap()).isCloseTo(0.01, within(EXACT));
  }

  @Test
  void aMatchWithTheGroundTruthWhoseIdIsZeroCountsAsMissed() {
    // pycocotools stores the matched gt's id and reads 0 as "no match": with gt id 0 the perfect
    // detection is a false positive and the gt is never found. With id 1, AP = x.
    assertThat(
            CocoEvaluator.evaluate(gt(box(0, 0, 0, 10, 10)), List.of(det(0, 0, 10, 10, 0.9)))
                .stats())
        .containsExactly(0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1);
  }

  @Test
  void areaBoundsAreInclusiveAndComeFromTheAreaField() {
    // gt box 100x100 but area field 1024 = 32^2: it is both small and medium (bounds inclusive),
    // and not large although its box is. The dt's own area (w*h = 10000) does not matter once it
    // matched.
    CocoGroundTruth truth =
        new CocoGroundTruth(
            List.of(1L),
            List.of(new CocoCategory(1, "thing")),
            List.of(new CocoAnnotation(7, 1, 1, 0, 0, 100, 100, 1024, false)));
    CocoMetrics m = CocoEvaluator.evaluate(truth, List.of(det(0, 0, 100, 100, 0.9)));
    assertThat(m.apSmall()).isCloseTo(X, within(EXACT));
    assertThat(m.apMedium()).isCloseTo(X, within(EXACT));
    assertThat(m.apLarge()).isEqualTo(-1);
  }

  @Test
  void detectionsOfUnknownCategoriesAreNotEvaluatedAndImagesWithoutGtCount() {
    // Image 2 has no gt: its dt of category 1 is a false positive ranked first (0.95), so
    // pr = [0, 1/(2+eps)] -> envelope 0.5: AP = 0.5. The category-9 dt is dropped (not in gt).
    CocoGroundTruth truth =
        new CocoGroundTruth(
            List.of(2L, 1L),
            List.of(new CocoCategory(1, "thing")),
            List.of(new CocoAnnotation(5, 1, 1, 0, 0, 10, 10, 100, false)));
    CocoMetrics m =
        CocoEvaluator.evaluate(
            truth,
            List.of(
                new CocoDetection(2, 1, 0, 0, 10, 10, 0.95),
                new CocoDetection(1, 9, 0, 0, 10, 10, 0.99),
                new CocoDetection(1, 1, 0, 0, 10, 10, 0.9)));
    assertThat(m.ap()).isCloseTo(0.5, within(EXACT));
    assertThat(m.ar100()).isEqualTo(1);
  }

  @Test
  void noCategoriesMeansEverythingUndefined() {
    CocoGroundTruth truth = new CocoGroundTruth(List.of(1L), List.of(), List.of());
    assertThat(CocoEvaluator.evaluate(truth, List.of(det(0, 0, 1, 1, 1))).stats()).containsOnly(-1);
  }

  @Test
  void aDetectionOnAnImageNotInTheGroundTruthIsRejected() {
    assertThatThrownBy(
            () ->
                CocoEvaluator.evaluate(
                    gt(box(1, 0, 0, 10, 10)),
                    List.of(det(0, 0, 1, 1, 0.5), new CocoDetection(99, 1, 0, 0, 1, 1, 0.5))))
        .isInstanceOf(EvaluationInputException.class)
        .hasMessage(
            "detections[1].image_id: image 99 is not in the ground truth's \"images\" (1 images);"
                + " results must belong to the evaluated set, as pycocotools' loadRes requires");
  }

  @Test
  void thresholdsAreNumpysLinspace() {
    // np.linspace(.5, .95, 10) prints 0.8999999999999999 for the 9th value, and AP75 relies on
    // 0.75 being exactly one of them (summarize selects it with ==).
    assertThat(CocoEvaluator.IOU_THRESHOLDS)
        .containsExactly(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95);
    assertThat(CocoEvaluator.RECALL_THRESHOLDS).hasSize(101);
    // i * 0.01, not the nearest double to i/100: a recall of exactly 0.35 does not reach the 36th
    assertThat(CocoEvaluator.RECALL_THRESHOLDS[35]).isEqualTo(0.35000000000000003);
    assertThat(CocoEvaluator.RECALL_THRESHOLDS[70]).isEqualTo(0.7000000000000001);
    assertThat(CocoEvaluator.RECALL_THRESHOLDS[50]).isEqualTo(0.5);
    assertThat(CocoEvaluator.RECALL_THRESHOLDS[100]).isEqualTo(1.0);
  }
}
