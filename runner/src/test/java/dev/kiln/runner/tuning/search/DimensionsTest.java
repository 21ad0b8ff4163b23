package dev.kiln.runner.tuning.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DimensionsTest {
  private final TuningSpec spec =
      new TuningSpec(
          "AP",
          Goal.MAXIMIZE,
          List.of(
              new SearchParameter.DoubleRange("lr", 1e-3, 1e-1, Scale.LOG),
              new SearchParameter.IntegerRange("batch", 8, 64, Scale.REVERSE_LOG),
              new SearchParameter.Categorical("opt", List.of("sgd", "adam")),
              new SearchParameter.Discrete("momentum", List.of(0.5, 0.9))),
          Algorithm.RANDOM_SEARCH,
          4,
          2,
          0,
          false,
          Optional.empty());

  @Test
  void everyTypeAndScaleOfTheModelMapsToTheSamplersSpace() {
    List<Dimension> space = Dimensions.of(spec);
    assertThat(space)
        .containsExactly(
            Dimension.ofDouble("lr", 1e-3, 1e-1, Dimension.Scale.LOG),
            Dimension.ofInteger("batch", 8, 64, Dimension.Scale.REVERSE_LOG),
            Dimension.categorical("opt", List.of("sgd", "adam")),
            Dimension.discrete("momentum", List.of(0.5, 0.9)));
    Map<String, Object> params =
        new RandomSampler(7).suggest(1, space, List.of(), spec.goal()).orElseThrow();
    assertThat((Double) params.get("lr")).isBetween(1e-3, 1e-1);
    assertThat((Long) params.get("batch")).isBetween(8L, 64L);
    assertThat(params.get("opt")).isIn("sgd", "adam");
    assertThat(params.get("momentum")).isIn(0.5, 0.9);
  }
}
