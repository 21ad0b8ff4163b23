package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Values derived by hand below; they are what scikit-learn gives with zero_division=0. */
class ClassificationMetricsTest {
  private static final double EXACT = 1e-15;

  @Test
  void macroAveragesOverTrueAndPredictedClasses() {
    // true:  cat cat cat dog dog bird
    // pred:  cat cat dog dog cat cat
    // cat: tp 2, fp 2 (a dog, the bird), fn 1 -> P 2/4, R 2/3, F1 4/7
    // dog: tp 1, fp 1, fn 1                -> P 1/2, R 1/2, F1 2/4
    // bird: never predicted: tp 0, fp 0, fn 1 -> P 0 (0/0 -> 0), R 0, F1 0
    List<String> actual = List.of("cat", "cat", "cat", "dog", "dog", "bird");
    List<String> predicted = List.of("cat", "cat", "dog", "dog", "cat", "cat");
    ClassificationMetrics m = ClassificationMetrics.compute(actual, predicted);
    assertThat(m.accuracy()).isCloseTo(3.0 / 6, within(EXACT));
    assertThat(m.macroPrecision()).isCloseTo((0.5 + 0.5 + 0) / 3, within(EXACT));
    assertThat(m.macroRecall()).isCloseTo((2.0 / 3 + 0.5 + 0) / 3, within(EXACT));
    assertThat(m.macroF1()).isCloseTo((4.0 / 7 + 0.5 + 0) / 3, within(EXACT));
    assertThat(m.perClass())
        .extracting(ClassificationMetrics.ClassScore::label)
        .containsExactly("bird", "cat", "dog");
    assertThat(m.perClass().get(0))
        .isEqualTo(new ClassificationMetrics.ClassScore("bird", 0, 0, 1, 1, 0, 0, 0));
  }

  @Test
  void aClassOnlyPredictedCountsWithRecallZero() {
    // a: tp 1, fp 0, fn 1 -> P 1, R 1/2, F1 2/3;  b: tp 0, fp 1, fn 0 -> P 0, R 0 (0/0), F1 0
    ClassificationMetrics m = ClassificationMetrics.compute(List.of("a", "a"), List.of("a", "b"));
    assertThat(m.macroPrecision()).isCloseTo(0.5, within(EXACT));
    assertThat(m.macroRecall()).isCloseTo(0.25, within(EXACT));
    assertThat(m.macroF1()).isCloseTo(1.0 / 3, within(EXACT));
  }

  @Test
  void explicitClassesIncludeOnesAbsentFromTheSplit() {
    ClassificationMetrics m =
        ClassificationMetrics.compute(List.of("a", "b"), List.of("a", "b"), List.of("a", "b", "c"));
    assertThat(m.accuracy()).isEqualTo(1);
    assertThat(m.macroPrecision()).isCloseTo(2.0 / 3, within(EXACT));
    assertThat(m.toJson())
        .startsWith("{\"accuracy\":1.0,\"macro_precision\":0.6666666666666666,")
        .contains("{\"label\":\"c\",\"precision\":0.0,\"recall\":0.0,\"f1\":0.0,\"support\":0}");
  }

  @Test
  void rejectsMismatchedInput() {
    assertThatThrownBy(() -> ClassificationMetrics.compute(List.of("a"), List.of()))
        .hasMessage("1 true labels but 0 predictions");
    assertThatThrownBy(
            () -> ClassificationMetrics.compute(List.of("a"), List.of("z"), List.of("a", "b")))
        .hasMessage("sample 0: predicted \"z\" is not a class of [a, b]");
  }
}
