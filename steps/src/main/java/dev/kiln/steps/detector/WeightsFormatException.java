package dev.kiln.steps.detector;

/**
 * A Darknet {@code .weights} file does not fit the network: the message gives the expected and the
 * actual number of floats, which usually points at the wrong cfg or class count.
 */
public final class WeightsFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WeightsFormatException(String message) {
    super(message);
  }
}
