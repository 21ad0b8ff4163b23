/**
 * The engine-free core of the {@code convert-labels} step: readers for common label formats that
 * all produce one model ({@link dev.kiln.steps.labels.LabeledImage}), validation, the train/test
 * split, and conversion to TensorFlow Object Detection API {@code tf.Example}s.
 *
 * <p>The per-record functions ({@link dev.kiln.steps.labels.Validation#validate}, {@link
 * dev.kiln.steps.labels.Splitter#assign}, {@link dev.kiln.steps.labels.RecordConverter#convert})
 * are static and take only serializable values, so a Beam {@code DoFn} can call them unchanged;
 * {@link dev.kiln.steps.labels.PlainConverter} chains them in one process. Nothing is dropped
 * silently: every image or box that does not make it into a record becomes a {@link
 * dev.kiln.steps.labels.Rejection}.
 */
package dev.kiln.steps.labels;
