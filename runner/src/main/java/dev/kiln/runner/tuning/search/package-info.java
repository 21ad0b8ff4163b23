/**
 * Search algorithms for hyperparameter tuning, independent of the orchestrator: a {@link
 * dev.kiln.runner.tuning.search.Sampler} maps (its seed, a trial number, the space, the trials so
 * far, the goal) to the next trial's parameters and keeps no state of its own, so a resumed job
 * rebuilds the search from the trials in its store and gets the same suggestions. Dimensions follow
 * AI Platform's types (DOUBLE, INTEGER, CATEGORICAL, DISCRETE) and scales (linear, log, reverse log)
 * and are searched in their scaled space. {@link dev.kiln.runner.tuning.search.GridSampler} walks
 * the cartesian product in odometer order and then reports it is done; {@link
 * dev.kiln.runner.tuning.search.RandomSampler} draws each trial from its own (seed, trial) stream;
 * {@link dev.kiln.runner.tuning.search.TpeSampler} is Optuna's TPE (random startup, good/bad split
 * by gamma, Parzen estimators with a prior kernel and magic clip, the best of 24 candidates by
 * l(x)/g(x)), multivariate by default.
 */
package dev.kiln.runner.tuning.search;
