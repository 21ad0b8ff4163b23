package dev.kiln.lineage.model;

/**
 * The Git commit a run's code came from, so that a result can be traced back to its source. Every
 * field may be null (a run from a plain folder has no commit); {@code dirty} says the working tree
 * had uncommitted changes, i.e. the sha alone does not reproduce the run.
 */
public record CommitInfo(
    String repoUrl, String ref, String sha, String author, String message, boolean dirty) {

  /** The commit of a run started from a clean checkout. */
  public static CommitInfo of(String repoUrl, String ref, String sha) {
    return new CommitInfo(repoUrl, ref, sha, null, null, false);
  }

  public CommitInfo withAuthor(String author) {
    return new CommitInfo(repoUrl, ref, sha, author, message, dirty);
  }

  public CommitInfo withMessage(String message) {
    return new CommitInfo(repoUrl, ref, sha, author, message, dirty);
  }

  public CommitInfo withDirty(boolean dirty) {
    return new CommitInfo(repoUrl, ref, sha, author, message, dirty);
  }
}
