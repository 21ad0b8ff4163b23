/**
 * {@code convert-labels} as an Apache Beam pipeline. The per-record work (split, validation, image
 * read, {@code tf.Example} encoding) is the engine-free code of {@link dev.kiln.steps.labels}; this
 * package only arranges it into Beam stages, so the Beam output is byte-identical to {@link
 * dev.kiln.steps.labels.PlainConverter}'s.
 *
 * <p>The pipeline groups only small per-image metadata by {@code (split, shard)} and reads each
 * image inside the stage that writes its shard, so memory stays bounded by the metadata of one
 * shard whatever the runner's grouping does (the DirectRunner keeps every element in memory; Flink
 * batch may materialize a group). Progress and cancellation go through small files in a hidden work
 * folder, which every runner that shares the output file system sees (a local or embedded Flink, or
 * a cluster with a shared mount), because Flink's batch {@code run()} blocks and gives no live
 * metrics to poll.
 *
 * <p>This package depends on the Beam SDK only; the runner (DirectRunner, Flink) is chosen by the
 * {@code beam.args} engine option that the {@code beam} executor passes.
 */
package dev.kiln.steps.convert;
