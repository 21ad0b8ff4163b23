package dev.kiln.runner.git;

/**
 * A Git problem a user can act on (an unreachable repository, a branch that does not exist, a
 * corrupt working copy). The message names the repository and never carries a credential.
 */
public final class GitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GitException(String message) {
    super(message);
  }

  public GitException(String message, Throwable cause) {
    super(message, cause);
  }
}
