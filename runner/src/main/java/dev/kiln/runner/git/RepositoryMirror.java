package dev.kiln.runner.git;

import dev.kiln.lineage.model.CommitInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A local bare mirror of a watched repository ({@code KILN_HOME/git/mirrors/KEY}), fetched with
 * JGit, from which commits are checked out into their own folders ({@code
 * KILN_HOME/worktrees/SHA}). Fetching into a mirror keeps the remote's branches exactly (forced
 * updates and deleted branches included) without touching any working copy of the user.
 */
public final class RepositoryMirror implements AutoCloseable {
  /** How far back from the branch tip to look for a commit that was already run. */
  static final int MAX_WALK = 1000;

  /**
   * Locks for what writes under {@code KILN_HOME}: one per mirror (creating it, fetching into it)
   * and one for the checkouts folder (writing and pruning checkouts). Two watchers of one
   * repository (two branches, or two pipelines) share its mirror, and JGit refuses a fetch while
   * another holds the ref locks (the loser's poll failed and waited a whole interval); their
   * checkouts share {@code worktrees/}. Watchers of different repositories still fetch at the same
   * time, so a slow remote holds up only its own. Within one process; two processes on one {@code
   * KILN_HOME} are not guarded.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private static ReentrantLock lockOf(Path folder) {
    return LOCKS.computeIfAbsent(folder.toAbsolutePath().normalize(), k -> new ReentrantLock());
  }

  private static ReentrantLock checkoutsLock(Path kilnHome) {
    return lockOf(kilnHome.resolve("worktrees"));
  }

  private final String url;
  private final Path kilnHome;
  private final GitCredentials credentials;
  private final Path dir;
  private final Repository repo;

  private RepositoryMirror(
      String url, Path kilnHome, GitCredentials credentials, Path dir, Repository repo) {
    this.url = url;
    this.kilnHome = kilnHome;
    this.credentials = credentials;
    this.dir = dir;
    this.repo = repo;
  }

  /**
   * Opens (creating on first use) the mirror of {@code urlOrPath}. Credentials written into the URL
   * are used for fetching but the mirror and every record see the URL without them.
   */
  public static RepositoryMirror open(String urlOrPath, Path kilnHome, GitCredentials credentials) {
    String fetchUrl = GitUrls.normalizeRepo(urlOrPath);
    GitCredentials creds = credentials;
    Optional<GitUrls.UserInfo> inUrl = GitUrls.userInfo(urlOrPath);
    if (inUrl.isPresent()) {
      creds = credentials.withUrlCredentials(inUrl.get());
    }
    Path dir = kilnHome.resolve("git/mirrors").resolve(key(fetchUrl));
    ReentrantLock lock = lockOf(dir);
    lock.lock();
    try {
      Repository repo;
      if (Files.isDirectory(dir.resolve("objects"))) {
        repo = Git.open(dir.toFile()).getRepository();
      } else {
        Files.createDirectories(dir.getParent());
        repo = Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository();
        var config = repo.getConfig();
        config.setString("remote", "origin", "url", fetchUrl);
        config.save();
      }
      return new RepositoryMirror(fetchUrl, kilnHome, creds, dir, repo);
    } catch (IOException | GitAPIException e) {
      throw new GitException(
          "cannot open the mirror of "
              + fetchUrl
              + " in "
              + dir
              + ": "
              + creds.redact(e.getMessage()),
          e);
    } finally {
      lock.unlock();
    }
  }

  private static String key(String url) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      String name = url.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-+|-+$", "");
      name = name.length() > 40 ? name.substring(name.length() - 40) : name;
      return name + "-" + HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code text} without any credential this mirror knows, for messages and logs. */
  public String redact(String text) {
    return credentials.redact(text);
  }

  /** The repository URL as recorded: without credentials. */
  public String url() {
    return url;
  }

  /**
   * Fetches every branch (forced updates accepted, deleted branches removed) and returns the tip of
   * {@code branch}, or empty when the branch does not exist (any more).
   */
  public Optional<String> fetch(String branch) {
    ReentrantLock lock = lockOf(dir);
    lock.lock();
    try (Git git = new Git(repo)) {
      git.fetch()
          .setRemote(url)
          .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"))
          .setRemoveDeletedRefs(true)
          .setCredentialsProvider(credentials.providerFor(url))
          .setTransportConfigCallback(credentials::configure)
          .call();
      return tip(branch);
    } catch (GitAPIException | RuntimeException e) {
      throw new GitException(
          "cannot fetch " + url + ": " + credentials.redact(String.valueOf(e.getMessage()))
              + (GitSsh.isSsh(url) ? GitSsh.HINT : ""),
          e);
    } finally {
      lock.unlock();
    }
  }

  /** The branch's tip in the mirror as last fetched. */
  public Optional<String> tip(String branch) {
    try {
      Ref ref = repo.exactRef(Constants.R_HEADS + branch);
      return ref == null || ref.getObjectId() == null
          ? Optional.empty()
          : Optional.of(ref.getObjectId().name());
    } catch (IOException e) {
      throw new GitException(
          "cannot read branch " + branch + " of " + url + ": " + e.getMessage(), e);
    }
  }

  /**
   * The commits on the first-parent line of {@code tip} that were not run, oldest first.
   *
   * @param commits the commits after the newest one for which {@code alreadyRun} holds, oldest
   *     first; the whole line (at most {@value #MAX_WALK} commits) when none was run
   * @param reachedRun true when the walk stopped at a commit that was run; false when it reached
   *     the first commit of the repository or {@value #MAX_WALK} commits without finding one
   */
  public record NewCommits(List<String> commits, boolean reachedRun) {
    public NewCommits {
      commits = List.copyOf(commits);
    }
  }

  /**
   * Follows first parents back from {@code tip} until a commit for which {@code alreadyRun} holds.
   */
  public NewCommits newCommits(String tip, Predicate<String> alreadyRun) {
    List<String> out = new ArrayList<>();
    boolean reached = false;
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(tip));
      while (c != null && out.size() < MAX_WALK) {
        if (alreadyRun.test(c.name())) {
          reached = true;
          break;
        }
        out.add(c.name());
        c = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0));
      }
    } catch (IOException e) {
      throw new GitException(
          "cannot walk the history of " + url + " from " + tip + ": " + e.getMessage(), e);
    }
    Collections.reverse(out);
    return new NewCommits(out, reached);
  }

  /**
   * True when {@code older} is an ancestor of (or equal to) {@code newer}: the branch moved
   * forward. False after a force-push that rewrote history, or when {@code older} is no longer in
   * the mirror.
   */
  public boolean isAncestor(String older, String newer) {
    try (RevWalk walk = new RevWalk(repo)) {
      ObjectId o = ObjectId.fromString(older);
      if (!repo.getObjectDatabase().has(o)) {
        return false;
      }
      return walk.isMergedInto(walk.parseCommit(o), walk.parseCommit(ObjectId.fromString(newer)));
    } catch (IOException e) {
      throw new GitException(
          "cannot compare " + older + " and " + newer + " of " + url + ": " + e.getMessage(), e);
    }
  }

  /** Who made the commit and why, and where it came from. */
  public CommitInfo commitInfo(String sha, String branch) {
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(sha));
      return new CommitInfo(url, branch, c.name(), GitInfo.author(c), c.getFullMessage(), false);
    } catch (IOException e) {
      throw new GitException("cannot read commit " + sha + " of " + url + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where the checkout of {@code sha} is kept: runs of that commit run there, and {@code kiln
   * resume} of such a run runs there again.
   */
  public static Path checkoutDir(Path kilnHome, String sha) {
    if (!sha.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
      throw new IllegalArgumentException("not a full commit sha: " + sha);
    }
    return kilnHome.resolve("worktrees").resolve(sha);
  }

  /**
   * The commit's files in {@code KILN_HOME/worktrees/SHA} (written once, into a temporary folder
   * moved into place, so a crash never leaves a half checkout that looks complete). Executable bits
   * and symbolic links are kept; submodules are not checked out.
   */
  public Path checkout(String sha) {
    ReentrantLock lock = checkoutsLock(kilnHome);
    lock.lock();
    try {
      return checkoutLocked(sha);
    } finally {
      lock.unlock();
    }
  }

  private Path checkoutLocked(String sha) {
    Path target = checkoutDir(kilnHome, sha);
    if (Files.isDirectory(target)) {
      touch(target);
      return target;
    }
    Path tmp = kilnHome.resolve("worktrees").resolve("." + sha + ".tmp");
    try {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      try (RevWalk walk = new RevWalk(repo);
          TreeWalk tw = new TreeWalk(repo)) {
        RevCommit c = walk.parseCommit(ObjectId.fromString(sha));
        tw.addTree(c.getTree());
        tw.setRecursive(true);
        while (tw.next()) {
          FileMode mode = tw.getFileMode(0);
          Path file = tmp.resolve(tw.getPathString()).normalize();
          if (!file.startsWith(tmp) || mode == FileMode.GITLINK) {
            continue;
          }
          Files.createDirectories(file.getParent());
          ObjectLoader loader = repo.open(tw.getObjectId(0));
          if (mode == FileMode.SYMLINK) {
            Files.createSymbolicLink(
                file, Path.of(new String(loader.getBytes(), StandardCharsets.UTF_8)));
            continue;
          }
          try (InputStream in = loader.openStream();
              OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
          }
          if (mode == FileMode.EXECUTABLE_FILE) {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            perms.addAll(
                EnumSet.of(
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(file, perms);
          }
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      touch(target);
      return target;
    } catch (IOException | UnsupportedOperationException e) {
      throw new GitException(
          "cannot check out " + sha + " of " + url + " into " + target + ": " + e, e);
    }
  }

  /**
   * Deletes commit checkouts under {@code KILN_HOME/worktrees} beyond the {@code keep} newest (by
   * when they were checked out or last used), except those {@code stillNeeded} names by their
   * sha. A checkout that cannot be deleted is reported and left for the next time.
   */
  public static Pruned pruneCheckouts(Path kilnHome, int keep, Predicate<String> stillNeeded)
      throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least 1 checkout, not " + keep);
    }
    Path dir = kilnHome.resolve("worktrees");
    if (!Files.isDirectory(dir)) {
      return new Pruned(List.of(), List.of());
    }
    ReentrantLock lock = checkoutsLock(kilnHome);
    lock.lock();
    try {
      List<Path> checkouts;
      try (Stream<Path> s = Files.list(dir)) {
        checkouts =
            s.filter(p -> p.getFileName().toString().matches("[0-9a-f]{40}"))
                .filter(Files::isDirectory)
                .sorted(
                    Comparator.comparing(RepositoryMirror::modified).reversed()
                        .thenComparing(Path::getFileName))
                .toList();
      }
      List<String> deleted = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (Path p : checkouts.subList(Math.min(keep, checkouts.size()), checkouts.size())) {
        String sha = p.getFileName().toString();
        if (!stillNeeded.test(sha)) {
          try {
            deleteTree(p);
            deleted.add(sha);
          } catch (IOException e) {
            problems.add("cannot delete the checkout " + p + ": " + e);
          }
        }
      }
      return new Pruned(List.copyOf(deleted), List.copyOf(problems));
    } finally {
      lock.unlock();
    }
  }

  /** Marks a checkout as just used: {@link #pruneCheckouts} keeps the most recently used. */
  private static void touch(Path checkout) {
    try {
      Files.setLastModifiedTime(
          checkout, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // only the pruning order suffers
    }
  }

  /** What {@link #pruneCheckouts} deleted (shas) and what it could not. */
  public record Pruned(List<String> deleted, List<String> problems) {}

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public void close() {
    repo.close();
  }
}
