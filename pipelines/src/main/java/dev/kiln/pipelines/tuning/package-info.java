/**
 * What a tuning job searches, in one model whatever the user wrote it in (AI Platform's
 * {@code trainingInput.hyperparameters}, a valohai.yaml task, the Java DSL): the parameters and
 * their ranges ({@link SearchParameter}, AI Platform's four types with their scales), the
 * objective (metric and {@link Goal}), the {@link Algorithm} and the budget ({@link TuningSpec}).
 */
package dev.kiln.pipelines.tuning;
