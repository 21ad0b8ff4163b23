package dev.kiln.steps.recordio;

/**
 * A record whose image header or labels do not add up: too short for the header, more labels
 * announced than the record holds, or a detection label whose length does not fit its declared
 * widths. The message says what was found and what was expected.
 */
public final class InvalidImageRecordException extends Exception {
  private final boolean labelWidth;

  /**
   * @param labelWidth whether the problem is the number of label values (as opposed to a record
   *     too short for its header)
   */
  public InvalidImageRecordException(String message, boolean labelWidth) {
    super(message);
    this.labelWidth = labelWidth;
  }

  /** Whether the number of label values is what is wrong. */
  public boolean labelWidth() {
    return labelWidth;
  }
}
