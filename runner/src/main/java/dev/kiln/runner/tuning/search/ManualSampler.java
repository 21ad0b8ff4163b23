package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MANUAL_SEARCH: trial {@code n} runs the {@code n}-th combination the user wrote, and the search
 * ends after the last. Values stay text; the orchestrator reads them with the step's types.
 */
public final class ManualSampler implements Sampler {
  private final List<Map<String, String>> combinations;

  public ManualSampler(List<Map<String, String>> combinations) {
    if (combinations.isEmpty()) {
      throw new IllegalArgumentException("MANUAL_SEARCH needs at least one combination");
    }
    this.combinations = combinations.stream().map(Map::copyOf).toList();
  }

  public int size() {
    return combinations.size();
  }

  @Override
  public Optional<Map<String, Object>> suggest(
      int trialNumber, List<Dimension> space, List<Trial> history, Goal goal) {
    if (trialNumber < 1 || trialNumber > combinations.size()) {
      return Optional.empty();
    }
    return Optional.of(new LinkedHashMap<>(combinations.get(trialNumber - 1)));
  }
}
