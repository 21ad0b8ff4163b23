package dev.kiln.runner.tuning.stopping;

import java.util.List;
import java.util.Optional;

/** Decides whether a running trial should stop now, given every other trial's curve. */
public interface StoppingRule {
  /**
   * Why {@code trial} should stop now (empty: let it go on). {@code others} are the curves of the
   * job's other trials, finished or running; {@code maximize} is the goal's direction.
   */
  Optional<String> shouldStop(Curve trial, List<Curve> others, boolean maximize);

  /** Never stops a trial. */
  StoppingRule NONE = (trial, others, maximize) -> Optional.empty();
}
