/**
 * Kiln's domain model: steps, pipelines, nodes and edges, independent of how they were written
 * (valohai.yaml or the Java DSL) and of how they run.
 *
 * <p>Everything here is an immutable value. Loading produces these values, {@link
 * dev.kiln.pipelines.validation.Validator} checks them all at once, and only then does anything run.
 */
package dev.kiln.pipelines;
