package dev.kiln.steps.detector;

/** A Darknet cfg the user gave cannot be used; the message names the file, line and key. */
public final class CfgException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CfgException(String message) {
    super(message);
  }
}
