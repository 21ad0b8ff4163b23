package dev.kiln.steps.evaluate;

/**
 * An input the user can fix: an unreadable or malformed ground-truth or results file, or results
 * that do not belong to the ground truth. The message is complete and located ({@code
 * file:line:col: json.path: what is wrong}), ready to show without a stack trace.
 */
public final class EvaluationInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EvaluationInputException(String message) {
    super(message);
  }

  public EvaluationInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
