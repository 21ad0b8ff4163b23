/**
 * Google AI Platform's training job config ({@code trainingInput.hyperparameters}), read into
 * Kiln's tuning model with every problem located at file:line:col.
 */
package dev.kiln.compat.aiplatform;
