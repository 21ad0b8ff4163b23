package dev.kiln.steps.classification;

/**
 * A dataset or image input the user can fix (an empty split, no readable image); the runner shows
 * the message as one error line.
 */
public final class ClassificationInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ClassificationInputException(String message) {
    super(message);
  }
}
