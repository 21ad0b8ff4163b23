package dev.kiln.runner.git;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How Kiln reaches {@code ssh://} and {@code git@host:path} repositories: JGit's Apache MINA sshd
 * client with the user's {@code ~/.ssh} (keys, {@code known_hosts}, {@code config}) as OpenSSH
 * would use it, or a key and a known-hosts file named by {@code KILN_GIT_SSH_KEY} and {@code
 * KILN_GIT_SSH_KNOWN_HOSTS} (for a service account). A server whose host key is not in the
 * known-hosts file is refused, never trusted on first use.
 */
final class GitSsh {
  static final String KEY_ENV = "KILN_GIT_SSH_KEY";
  static final String KNOWN_HOSTS_ENV = "KILN_GIT_SSH_KNOWN_HOSTS";
  /** Appended to an SSH fetch failure: where the key and the host key come from. */
  static final String HINT =
      " (SSH: the key comes from ~/.ssh or " + KEY_ENV + ", and the server's host key must be in"
          + " ~/.ssh/known_hosts or " + KNOWN_HOSTS_ENV + ", e.g. from ssh-keyscan)";

  /** The user's ~/.ssh, nothing overridden. */
  static final GitSsh DEFAULTS = new GitSsh(Optional.empty(), Optional.empty());

  private final Optional<Path> key;
  private final Optional<Path> knownHosts;
  private SshSessionFactory factory;

  GitSsh(Optional<Path> key, Optional<Path> knownHosts) {
    this.key = key;
    this.knownHosts = knownHosts;
  }

  /** Reads the two variables; a named file that does not exist is an error naming the variable. */
  static GitSsh fromEnvironment(Map<String, String> env) {
    return new GitSsh(file(env, KEY_ENV), file(env, KNOWN_HOSTS_ENV));
  }

  private static Optional<Path> file(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    Path p = Path.of(v.strip());
    if (!Files.isRegularFile(p)) {
      throw new GitException(name + "=" + p + ": no such file");
    }
    return Optional.of(p.toAbsolutePath());
  }

  /** Whether {@code url} is reached over SSH: {@code ssh://}, {@code git+ssh://} or SCP-style. */
  static boolean isSsh(String url) {
    if (url == null) {
      return false;
    }
    String u = url.strip();
    return u.startsWith("ssh://")
        || u.startsWith("git+ssh://")
        || u.startsWith("ssh+git://")
        || (!u.contains("://") && u.matches("[^/]+@[^/]+:.*"));
  }

  /** The session factory JGit's SSH transport gets; built on first use. */
  synchronized SshSessionFactory factory() {
    if (factory == null) {
      File home = new File(System.getProperty("user.home"));
      SshdSessionFactoryBuilder b =
          new SshdSessionFactoryBuilder().setHomeDirectory(home).setSshDirectory(new File(home, ".ssh"));
      key.ifPresent(k -> b.setDefaultIdentities(dir -> List.of(k)));
      knownHosts.ifPresent(k -> b.setDefaultKnownHostsFiles(dir -> List.of(k)));
      factory = b.build(new JGitKeyCache());
    }
    return factory;
  }

  @Override
  public String toString() {
    return "GitSsh[key=" + key.isPresent() + ", knownHosts=" + knownHosts.orElse(null) + "]";
  }
}
