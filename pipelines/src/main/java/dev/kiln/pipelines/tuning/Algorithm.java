package dev.kiln.pipelines.tuning;

/**
 * How trials' parameters are chosen. AI Platform's {@code ALGORITHM_UNSPECIFIED} is Bayesian
 * optimisation, which Kiln does with TPE; Valohai's {@code bayesian_tpe} is the same.
 */
public enum Algorithm {
  BAYESIAN_TPE,
  GRID_SEARCH,
  RANDOM_SEARCH,
  MANUAL_SEARCH
}
