package dev.kiln.runner.inputs;

/** An input could not be provided: a missing file, an unreachable URL, an unknown datum. */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
