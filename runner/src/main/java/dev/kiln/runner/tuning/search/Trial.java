package dev.kiln.runner.tuning.search;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One trial as the samplers see it: its number, the parameters it ran with and, once finished,
 * its objective. Samplers read nothing else, so a resumed job rebuilds their input from the store.
 *
 * @param number 1-based trial number
 * @param params parameter values by name (Double, Long/Integer, String)
 * @param state where the trial is
 * @param value the objective; a {@link State#STOPPED_EARLY} trial may carry its partial value
 */
public record Trial(int number, Map<String, Object> params, State state, OptionalDouble value) {

  /** Life of a trial, as far as a sampler cares. */
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED,
    STOPPED_EARLY
  }

  public Trial {
    if (number < 1) {
      throw new IllegalArgumentException("trial number must be >= 1, got " + number);
    }
    params = Map.copyOf(params);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(value, "value");
  }

  public static Trial succeeded(int number, Map<String, Object> params, double value) {
    return new Trial(number, params, State.SUCCEEDED, OptionalDouble.of(value));
  }

  /**
   * Whether the trial's value informs the search: succeeded, or stopped early with a value.
   */
  public boolean finishedWithValue() {
    return (state == State.SUCCEEDED || state == State.STOPPED_EARLY)
        && value.isPresent()
        && !Double.isNaN(value.getAsDouble());
  }
}
