package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kiln against the oracle: {@code src/test/python/cocoeval_oracle.py}, a line-by-line port of
 * pycocotools' COCOeval (bbox). The fixtures and their {@code expected.json} were written by {@code
 * python3 steps/src/test/python/make_fixtures.py}; Python is not needed to run this test.
 */
class CocoEvaluatorOracleTest {
  private static final double TOLERANCE = 1e-9;

  static Path fixture(String name) {
    try {
      return Path.of(
          Objects.requireNonNull(
                  CocoEvaluatorOracleTest.class.getResource("/evaluate/" + name), name)
              .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mixed", "crowd", "random_large", "no_detections", "id_zero"})
  void matchesPycocotoolsOracle(String name) throws Exception {
    Path dir = fixture(name);
    JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());

    CocoMetrics metrics =
        CocoEvaluator.evaluate(
            CocoGroundTruth.read(dir.resolve("gt.json")),
            CocoDetections.read(dir.resolve("dt.json")));

    double[] stats = metrics.stats();
    List<String> names = CocoMetrics.NAMES;
    for (int i = 0; i < names.size(); i++) {
      assertThat(stats[i])
          .as("%s %s", name, names.get(i))
          .isCloseTo(expected.get("stats").get(names.get(i)).asDouble(), within(TOLERANCE));
    }
    JsonNode perCategory = expected.get("per_category_AP");
    assertThat(metrics.perCategory()).hasSize(perCategory.size());
    for (CocoMetrics.CategoryAp c : metrics.perCategory()) {
      assertThat(c.ap())
          .as("%s category %s", name, c.categoryId())
          .isCloseTo(perCategory.get(String.valueOf(c.categoryId())).asDouble(), within(TOLERANCE));
    }
  }

  /**
   * Stronger than the 1e-9 contract: Kiln reproduces numpy's rounding (linspace, pairwise mean), so
   * the numbers are bit-identical to the oracle's. If this fails but the test above passes, the
   * difference is rounding only.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mixed", "crowd", "random_large", "no_detections", "id_zero"})
  void isBitIdenticalToOracle(String name) throws Exception {
    Path dir = fixture(name);
    JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    double[] stats =
        CocoEvaluator.evaluate(
                CocoGroundTruth.read(dir.resolve("gt.json")),
                CocoDetections.read(dir.resolve("dt.json")))
            .stats();
    for (int i = 0; i < stats.length; i++) {
      assertThat(stats[i])
          .as("%s %s", name, CocoMetrics.NAMES.get(i))
          .isEqualTo(expected.get("stats").get(CocoMetrics.NAMES.get(i)).asDouble());
    }
  }
}
