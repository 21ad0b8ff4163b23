package dev.kiln.runner.git;

import dev.kiln.lineage.model.CommitInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The commit a working copy is at, so that {@code kiln run} started by hand records which code it
 * ran, including whether uncommitted changes make the sha alone not reproduce it.
 */
public final class GitInfo {
  private GitInfo() {}

  /**
   * The commit of the Git working copy that contains {@code dir} (searching parent folders, as git
   * does): origin URL without credentials, branch (null when HEAD is detached), HEAD sha, author,
   * message, and dirty when tracked files differ from HEAD. Untracked files do not count: {@code
   * KILN_HOME} itself often lies untracked inside the working copy. Empty outside a working copy or
   * before the first commit.
   *
   * @throws GitException when the repository exists but cannot be read
   */
  public static Optional<CommitInfo> detect(Path dir) {
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().readEnvironment().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repo = builder.setMustExist(true).build()) {
      if (repo.isBare()) {
        return Optional.empty();
      }
      ObjectId head = repo.resolve(Constants.HEAD);
      if (head == null) {
        return Optional.empty();
      }
      RevCommit commit;
      try (RevWalk walk = new RevWalk(repo)) {
        commit = walk.parseCommit(head);
      }
      String full = repo.getFullBranch();
      String branch = full != null && full.startsWith(Constants.R_HEADS) ? repo.getBranch() : null;
      String origin = repo.getConfig().getString("remote", "origin", "url");
      String url =
          origin != null
              ? GitUrls.stripCredentials(origin)
              : repo.getWorkTree().toPath().toAbsolutePath().normalize().toString();
      boolean dirty;
      try (Git git = new Git(repo)) {
        dirty = git.status().call().hasUncommittedChanges();
      }
      return Optional.of(
          new CommitInfo(
              url, branch, commit.name(), author(commit), commit.getFullMessage(), dirty));
    } catch (IOException | GitAPIException e) {
      throw new GitException(
          "cannot read the Git working copy at " + builder.getGitDir() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The commit {@code rev} (a sha, short sha, branch or tag) names in the working copy that
   * contains {@code dir}, for {@code kiln run --commit REV}: origin URL without credentials, the
   * branch or tag when {@code rev} is one, the full sha, author and message; never dirty (the user
   * says this is the code). Empty outside a working copy or when {@code rev} names nothing there.
   */
  public static Optional<CommitInfo> resolve(Path dir, String rev) {
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().readEnvironment().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repo = builder.setMustExist(true).build()) {
      ObjectId id;
      try {
        id = repo.resolve(rev + "^{commit}");
      } catch (RevisionSyntaxException
          | AmbiguousObjectException
          | IncorrectObjectTypeException e) {
        return Optional.empty();
      }
      if (id == null) {
        return Optional.empty();
      }
      RevCommit commit;
      try (RevWalk walk = new RevWalk(repo)) {
        commit = walk.parseCommit(id);
      }
      String ref = null;
      if (repo.exactRef(Constants.R_HEADS + rev) != null) {
        ref = rev;
      } else if (repo.exactRef(Constants.R_TAGS + rev) != null) {
        ref = Constants.R_TAGS + rev;
      }
      String origin = repo.getConfig().getString("remote", "origin", "url");
      String url =
          origin != null
              ? GitUrls.stripCredentials(origin)
              : repo.isBare()
                  ? repo.getDirectory().toPath().toAbsolutePath().normalize().toString()
                  : repo.getWorkTree().toPath().toAbsolutePath().normalize().toString();
      return Optional.of(
          new CommitInfo(url, ref, commit.name(), author(commit), commit.getFullMessage(), false));
    } catch (IOException e) {
      throw new GitException(
          "cannot read the Git working copy at " + builder.getGitDir() + ": " + e.getMessage(), e);
    }
  }

  /** {@code Name <email>}, as git log shows it. */
  static String author(RevCommit commit) {
    PersonIdent a = commit.getAuthorIdent();
    return a.getEmailAddress() == null || a.getEmailAddress().isEmpty()
        ? a.getName()
        : a.getName() + " <" + a.getEmailAddress() + ">";
  }
}
