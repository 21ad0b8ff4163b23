package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The stable sorts against the JDK's stable object sort, on data full of ties. */
class IndexSortTest {
  @Test
  void scoreDescendingIsStableAndTiesSignedZeros() {
    Random random = new Random(3);
    for (int n : new int[] {0, 1, 7, 24, 25, 100, 1000, 5000}) {
      double[] score = new double[n];
      for (int i = 0; i < n; i++) {
        score[i] = random.nextInt(10) / 4.0;
        if (score[i] == 0 && random.nextBoolean()) {
          score[i] = -0.0;
        }
      }
      int[] idx = IntStream.range(0, n).toArray();
      IndexSort.byScoreDescending(idx, 0, n, score, new int[n]);
      // numpy's argsort(-s, kind='mergesort'): -0.0 == 0.0, so compare as primitives
      Integer[] expected = IntStream.range(0, n).boxed().toArray(Integer[]::new);
      Arrays.sort(expected, Comparator.comparingDouble(i -> -score[i] + 0.0));
      assertThat(idx)
          .as("n=%s", n)
          .containsExactly(Arrays.stream(expected).mapToInt(i -> i).toArray());
    }
  }

  @Test
  void keyAscendingIsStable() {
    Random random = new Random(5);
    int n = 3000;
    long[] key = new long[n];
    for (int i = 0; i < n; i++) {
      key[i] = random.nextInt(20);
    }
    int[] idx = IntStream.range(0, n).toArray();
    IndexSort.byKeyAscending(idx, 0, n, key, new int[n]);
    Integer[] expected = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(expected, Comparator.comparingLong(i -> key[i]));
    assertThat(idx).containsExactly(Arrays.stream(expected).mapToInt(i -> i).toArray());
  }
}
