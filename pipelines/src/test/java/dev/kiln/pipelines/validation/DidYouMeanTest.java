package dev.kiln.pipelines.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

  @Test
  void aSwapOfTwoNeighbouringLettersIsOneEdit() {
    assertThat(DidYouMean.distance("trian", "train")).isEqualTo(1);
    assertThat(DidYouMean.distance("ab", "ba")).isEqualTo(1);
    assertThat(DidYouMean.distance("stpe", "step")).isEqualTo(1);
    assertThat(DidYouMean.distance("abc", "acb")).isEqualTo(1);
  }

  @Test
  void insertionsDeletionsAndSubstitutionsAreOneEditEach() {
    assertThat(DidYouMean.distance("train", "train")).isZero();
    assertThat(DidYouMean.distance("paramter", "parameter")).isEqualTo(1);
    assertThat(DidYouMean.distance("parameter", "paramter")).isEqualTo(1);
    assertThat(DidYouMean.distance("trainx", "trainy")).isEqualTo(1);
    assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    // optimal string alignment: a swapped pair is not edited again
    assertThat(DidYouMean.distance("ca", "abc")).isEqualTo(3);
  }

  @Test
  void suggestsOnlyCloseNames() {
    assertThat(DidYouMean.closest("trian", List.of("convert", "train"))).contains("train");
    assertThat(DidYouMean.closest("secon step", List.of("base step", "second step")))
        .contains("second step");
    assertThat(DidYouMean.closest("xyz", List.of("convert", "train"))).isEmpty();
    assertThat(DidYouMean.closest("zzzzzz", List.of("train"))).isEmpty();
    assertThat(DidYouMean.closest(null, List.of("train"))).isEmpty();
    assertThat(DidYouMean.closest("train", List.of())).isEmpty();
  }

  @Test
  void theLimitIsAThirdOfTheNameAtLeastTwoEdits() {
    assertThat(DidYouMean.closest("tspe", List.of("step"))).contains("step"); // two swaps
    assertThat(DidYouMean.closest("kitten", List.of("sitting"))).isEmpty(); // 3 > 6 / 3
    assertThat(DidYouMean.closest("kittenkit", List.of("sittingkit"))).contains("sittingkit");
    assertThat(DidYouMean.closest("xy", List.of("step"))).isEmpty();
  }

  @Test
  void neverSuggestsTheNameItselfAndBreaksTiesAlphabetically() {
    assertThat(DidYouMean.closest("train", List.of("train", "trains"))).contains("trains");
    assertThat(DidYouMean.closest("train", List.of("train"))).isEmpty();
    // "cat" is one edit from both: the answer does not depend on the collection's order
    assertThat(DidYouMean.closest("cat", List.of("cut", "bat"))).contains("bat");
    assertThat(DidYouMean.closest("cat", List.of("bat", "cut"))).contains("bat");
    assertThat(DidYouMean.closest("cat", Set.of("cut", "bat", "rat"))).contains("bat");
  }

  @Test
  void wordsTheKnownListAndTheHint() {
    List<String> nodes = List.of("convert", "weights", "train", "detect");
    assertThat(DidYouMean.hint("trian", nodes)).contains("did you mean \"train\"?");
    assertThat(DidYouMean.suffix("trian", nodes)).isEqualTo("; did you mean \"train\"?");
    assertThat(DidYouMean.suffix("zzzzzz", nodes)).isEmpty();
    assertThat(DidYouMean.known(nodes)).isEqualTo("(known: convert, weights, train, detect)");
    assertThat(DidYouMean.known(List.of())).isEqualTo("(known: none)");
    assertThat(DidYouMean.known("step \"train\" has", List.of("epochs")))
        .isEqualTo("(step \"train\" has: epochs)");
    assertThat(DidYouMean.known("step \"train\" has", List.of()))
        .isEqualTo("(step \"train\" has: none)");
    assertThat(DidYouMean.knownAndHint("trian", nodes))
        .isEqualTo("(known: convert, weights, train, detect); did you mean \"train\"?");
    assertThat(DidYouMean.knownAndHint("zzzzzz", nodes))
        .isEqualTo("(known: convert, weights, train, detect)");
  }
}
