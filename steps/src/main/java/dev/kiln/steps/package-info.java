/**
 * Kiln's built-in steps and the reference pipeline {@code train-superbai}.
 *
 * <p>Each step class declares its definition ({@code STEP}) and typed ports as constants, so
 * pipelines written in the Java DSL are checked at compile time. The same steps can be used from
 * valohai.yaml through their command {@code kiln step NAME {parameters}}, which runs the Java step
 * inside the Valohai execution contract.
 */
package dev.kiln.steps;
