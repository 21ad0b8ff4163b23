/**
 * TFRecord files and {@code tf.Example} messages without TensorFlow or protobuf on the classpath.
 *
 * <p>Kiln writes training data that TensorFlow's {@code tf.data.TFRecordDataset} and the Object
 * Detection API read unchanged, so the framing ({@link dev.kiln.steps.tfrecord.TfRecordWriter}) and
 * the message encoding ({@link dev.kiln.steps.tfrecord.ExampleCodec}) are byte-compatible with
 * TensorFlow's. The reader checks every CRC so a corrupt shard is found before training starts.
 */
package dev.kiln.steps.tfrecord;
