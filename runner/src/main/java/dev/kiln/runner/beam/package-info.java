/**
 * The engine behind the {@code beam} executor: which Beam runner Java steps run on, and the one
 * long-lived Flink that an orchestrator shares between all its Beam steps.
 *
 * <p>A Flink mini cluster costs seconds to start; one per step would dominate short steps. {@link
 * dev.kiln.runner.beam.BeamEngine} starts at most one, lazily, and hands every step the same {@code
 * --flinkMaster} through the {@code beam.args} engine option ({@code [auto]}, which {@link
 * dev.kiln.runner.beam.EmbeddedSubmission} points at the embedded cluster), so the steps themselves
 * stay free of Flink types.
 */
package dev.kiln.runner.beam;
