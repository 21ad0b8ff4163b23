package dev.kiln.pipelines.tuning;

/**
 * Which of a trial's values of the metric counts: the {@link #LAST} one it printed (AI Platform's
 * and Katib's reading, Kiln's default) or its {@link #BEST} one over the whole trial.
 */
public enum MetricValue {
  LAST,
  BEST
}
