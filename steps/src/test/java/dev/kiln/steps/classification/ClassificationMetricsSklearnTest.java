package dev.kiln.steps.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.steps.evaluate.ClassificationMetrics;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The metrics the classification steps log equal scikit-learn's. Expected numbers were computed
 * with scikit-learn 1.2 (Debian python3-sklearn):
 *
 * <pre>
 * from sklearn.metrics import precision_recall_fscore_support as prfs, accuracy_score
 * accuracy_score(t, p); prfs(t, p, average='macro', zero_division=0)
 * prfs(t, p, average=None, labels=sorted(set(t) | set(p)), zero_division=0)
 * </pre>
 */
class ClassificationMetricsSklearnTest {
  private static final double EPS = 1e-9;

  @Test
  void threeClassesAsScikitLearn() {
    // t = ["cat","dog","bird","cat","dog","cat","bird","bird","dog","cat"]
    // p = ["cat","cat","bird","cat","dog","bird","bird","dog","dog","dog"]
    ClassificationEvaluation e =
        ClassificationEvaluation.of(
            List.of("cat", "dog", "bird", "cat", "dog", "cat", "bird", "bird", "dog", "cat"),
            List.of("cat", "cat", "bird", "cat", "dog", "bird", "bird", "dog", "dog", "dog"),
            List.of("bird", "cat", "dog"));
    ClassificationMetrics m = e.metrics();
    assertThat(m.accuracy()).isCloseTo(0.6, within(EPS));
    assertThat(m.macroPrecision()).isCloseTo(0.611111111111111, within(EPS));
    assertThat(m.macroRecall()).isCloseTo(0.611111111111111, within(EPS));
    assertThat(m.macroF1()).isCloseTo(0.6031746031746033, within(EPS));
    // per class (bird, cat, dog)
    assertPerClass(
        m,
        new double[] {0.6666666666666666, 0.6666666666666666, 0.5},
        new double[] {0.6666666666666666, 0.5, 0.6666666666666666},
        new double[] {0.6666666666666666, 0.5714285714285715, 0.5714285714285715});
    // rows true, columns predicted: bird 2 right, 1 as dog; cat 2 right, 1 bird, 1 dog; dog 2, 1 cat
    assertThat(e.confusion()).isEqualTo(new int[][] {{2, 0, 1}, {1, 2, 1}, {0, 1, 2}});
    assertThat(e.confusionCsv())
        .isEqualTo("true\\predicted,bird,cat,dog\nbird,2,0,1\ncat,1,2,1\ndog,0,1,2\n");
  }

  @Test
  void aClassNeverPredictedHasPrecisionZero() {
    // t = ["a","b","c","a","b","c","a"]; p = ["a","a","a","a","b","b","a"]
    ClassificationMetrics m =
        ClassificationEvaluation.of(
                List.of("a", "b", "c", "a", "b", "c", "a"),
                List.of("a", "a", "a", "a", "b", "b", "a"),
                List.of("a", "b", "c"))
            .metrics();
    assertThat(m.accuracy()).isCloseTo(0.5714285714285714, within(EPS));
    assertThat(m.macroPrecision()).isCloseTo(0.3666666666666667, within(EPS));
    assertThat(m.macroRecall()).isCloseTo(0.5, within(EPS));
    assertThat(m.macroF1()).isCloseTo(0.4166666666666667, within(EPS));
    assertPerClass(
        m,
        new double[] {0.6, 0.5, 0.0},
        new double[] {1.0, 0.5, 0.0},
        new double[] {0.7499999999999999, 0.5, 0.0});
  }

  @Test
  void imbalancedClassesSeparatePrecisionFromRecall() {
    // t = ["x"]*7 + ["y"]*2 + ["z"]; p = ["x","x","x","x","x","y","z","y","x","z"]
    List<String> t =
        Stream.of(Collections.nCopies(7, "x"), Collections.nCopies(2, "y"), List.of("z"))
            .flatMap(List::stream)
            .toList();
    ClassificationMetrics m =
        ClassificationEvaluation.of(
                t, List.of("x", "x", "x", "x", "x", "y", "z", "y", "x", "z"), List.of("x", "y", "z"))
            .metrics();
    assertThat(m.accuracy()).isCloseTo(0.7, within(EPS));
    // standard definitions: precision = correct / predicted as the class (0.611), recall =
    // correct / truly the class (0.738); the seed's Korean text has them the other way round
    assertThat(m.macroPrecision()).isCloseTo(0.6111111111111112, within(EPS));
    assertThat(m.macroRecall()).isCloseTo(0.7380952380952381, within(EPS));
    assertThat(m.macroF1()).isCloseTo(0.6452991452991452, within(EPS));
    assertPerClass(
        m,
        new double[] {0.8333333333333334, 0.5, 0.5},
        new double[] {0.7142857142857143, 0.5, 1.0},
        new double[] {0.7692307692307692, 0.5, 0.6666666666666666});
  }

  private static void assertPerClass(
      ClassificationMetrics m, double[] precision, double[] recall, double[] f1) {
    for (int c = 0; c < precision.length; c++) {
      ClassificationMetrics.ClassScore s = m.perClass().get(c);
      assertThat(s.precision()).as(s.label() + " precision").isCloseTo(precision[c], within(EPS));
      assertThat(s.recall()).as(s.label() + " recall").isCloseTo(recall[c], within(EPS));
      assertThat(s.f1()).as(s.label() + " f1").isCloseTo(f1[c], within(EPS));
    }
  }
}
