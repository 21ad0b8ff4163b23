package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Goal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Proposes the parameters of the next trial. Implementations are pure functions of their
 * configuration (seed included), the trial number and the history: the same inputs give the same
 * suggestion, which is what lets a resumed job continue the search from the store.
 */
public interface Sampler {

  /**
   * Suggests parameters for trial {@code trialNumber} (1-based).
   *
   * @return the parameters by dimension name (Double for DOUBLE and DISCRETE, Long for INTEGER,
   *     String for CATEGORICAL), or empty when the sampler has nothing left (a finished grid)
   * @throws IllegalArgumentException if the space is not one this sampler can search
   */
  Optional<Map<String, Object>> suggest(
      int trialNumber, List<Dimension> space, List<Trial> history, Goal goal);
}
