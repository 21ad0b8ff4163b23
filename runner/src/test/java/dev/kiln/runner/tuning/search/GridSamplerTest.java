package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.runner.tuning.search.Dimension.Scale;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridSamplerTest {
  private final GridSampler grid = new GridSampler();
  private final List<Dimension> space =
      List.of(
          Dimension.ofInteger("layers", 1, 2, Scale.LINEAR),
          Dimension.categorical("opt", List.of("adam", "sgd", "rmsprop")),
          Dimension.discrete("batch", List.of(16.0, 32.0)));

  @Test
  void walksTheProductFirstDimensionSlowest() {
    assertThat(GridSampler.size(space)).isEqualTo(12);
    List<Map<String, Object>> points = new ArrayList<>();
    for (int n = 1; n <= 12; n++) {
      points.add(grid.suggest(n, space, List.of(), Goal.MINIMIZE).orElseThrow());
    }
    assertThat(points.get(0)).containsExactly(
        Map.entry("layers", 1L), Map.entry("opt", "adam"), Map.entry("batch", 16.0));
    assertThat(points.get(1)).containsEntry("batch", 32.0).containsEntry("opt", "adam");
    assertThat(points.get(2)).containsEntry("opt", "sgd").containsEntry("batch", 16.0);
    assertThat(points.get(5)).containsEntry("layers", 1L).containsEntry("opt", "rmsprop")
        .containsEntry("batch", 32.0);
    assertThat(points.get(6)).containsEntry("layers", 2L).containsEntry("opt", "adam");
    assertThat(points).doesNotHaveDuplicates();
    assertThat(grid.suggest(13, space, List.of(), Goal.MINIMIZE)).isEmpty();
  }

  @Test
  void integerRangeGivesEveryInteger() {
    List<Dimension> s = List.of(Dimension.ofInteger("k", -2, 3, Scale.LINEAR));
    assertThat(GridSampler.size(s)).isEqualTo(6);
    List<Object> ks = new ArrayList<>();
    for (int n = 1; n <= 6; n++) {
      ks.add(grid.suggest(n, s, List.of(), Goal.MAXIMIZE).orElseThrow().get("k"));
    }
    assertThat(ks).containsExactly(-2L, -1L, 0L, 1L, 2L, 3L);
  }

  @Test
  void refusesDouble() {
    List<Dimension> s =
        List.of(Dimension.ofInteger("k", 1, 3, Scale.LINEAR), Dimension.ofDouble("lr", 1e-3, 1e-1, Scale.LOG));
    assertThatThrownBy(() -> grid.suggest(1, s, List.of(), Goal.MINIMIZE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "parameter \"lr\": grid search needs INTEGER, CATEGORICAL or DISCRETE parameters, not DOUBLE");
  }
}
