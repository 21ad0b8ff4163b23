package dev.kiln.steps.tfrecord;

/** Bytes that are not a valid {@code tf.train.Example} message; says where decoding stopped. */
public final class InvalidExampleException extends RuntimeException {
  public InvalidExampleException(String message) {
    super(message);
  }
}
