package dev.kiln.runner.git;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Credentials for private repositories, read from {@code KILN_GIT_USERNAME}/{@code KILN_GIT_TOKEN}
 * or from a file in git-credential-store format named by {@code KILN_GIT_CREDENTIALS} (one {@code
 * https://user:token@host[/path]} a line). They are handed to JGit only; {@link #redact} removes
 * them from any text before it is printed or stored. SSH repositories use keys instead ({@link
 * GitSsh}: {@code ~/.ssh}, or {@code KILN_GIT_SSH_KEY} and {@code KILN_GIT_SSH_KNOWN_HOSTS}); a
 * token is never offered to an SSH server.
 */
public final class GitCredentials {
  /** No credentials: public and local repositories. */
  public static final GitCredentials NONE =
      new GitCredentials(null, List.of(), List.of(), GitSsh.DEFAULTS);

  private final GitUrls.UserInfo fromEnv;
  private final List<Entry> entries;
  private final List<String> secrets;
  private final GitSsh ssh;

  private record Entry(String scheme, String host, int port, String path, GitUrls.UserInfo user) {}

  private GitCredentials(
      GitUrls.UserInfo fromEnv, List<Entry> entries, List<String> more, GitSsh ssh) {
    this.fromEnv = fromEnv;
    this.ssh = ssh;
    this.entries = List.copyOf(entries);
    List<String> all = new ArrayList<>(more);
    if (fromEnv != null) {
      all.add(fromEnv.password());
    }
    entries.forEach(e -> all.add(e.user.password()));
    all.removeIf(String::isEmpty);
    this.secrets = List.copyOf(all);
  }

  /**
   * These credentials with the user-info that was written into the repository URL taking
   * precedence; used for the one repository a mirror fetches. Both stay redacted.
   */
  public GitCredentials withUrlCredentials(GitUrls.UserInfo user) {
    return new GitCredentials(user, entries, secrets, ssh);
  }

  /**
   * Reads the environment: the token variables win over the file. A named file that cannot be read
   * is an error (a silent fallback to no credentials would show up later as a confusing 401).
   */
  public static GitCredentials fromEnvironment(Map<String, String> env) {
    GitUrls.UserInfo user = null;
    String token = env.get("KILN_GIT_TOKEN");
    if (token != null && !token.isEmpty()) {
      String name = env.getOrDefault("KILN_GIT_USERNAME", "");
      // GitHub and GitLab accept any non-empty user name with a token.
      user = new GitUrls.UserInfo(name.isEmpty() ? "kiln" : name, token);
    }
    List<Entry> entries = new ArrayList<>();
    String file = env.get("KILN_GIT_CREDENTIALS");
    if (file != null && !file.isEmpty()) {
      entries.addAll(readStore(Path.of(file)));
    }
    return new GitCredentials(user, entries, List.of(), GitSsh.fromEnvironment(env));
  }

  private static List<Entry> readStore(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GitException(
          "KILN_GIT_CREDENTIALS=" + file + ": cannot read the credentials file (" + e + ")");
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Optional<GitUrls.UserInfo> user = GitUrls.userInfo(line);
      URI uri;
      try {
        uri = new URI(line);
      } catch (URISyntaxException e) {
        uri = null;
      }
      if (user.isEmpty() || uri == null || uri.getHost() == null) {
        // The line is not echoed: it would hold the secret.
        throw new GitException(
            file
                + ":"
                + (i + 1)
                + ": expected https://USER:TOKEN@HOST[/PATH] (git-credential-store"
                + " format)");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      out.add(
          new Entry(
              uri.getScheme().toLowerCase(Locale.ROOT),
              uri.getHost().toLowerCase(Locale.ROOT),
              uri.getPort(),
              path.replaceAll("/+$", ""),
              user.get()));
    }
    return out;
  }

  /**
   * The user and token for {@code url}: user-info written into the URL first, then the environment,
   * then the first matching line of the credentials file (scheme and host must match; a line with a
   * path matches only URLs under it, as in git).
   */
  public Optional<GitUrls.UserInfo> lookup(String url) {
    Optional<GitUrls.UserInfo> inUrl = GitUrls.userInfo(url);
    if (inUrl.isPresent()) {
      return inUrl;
    }
    if (!url.contains("://")) {
      return Optional.ofNullable(fromEnv);
    }
    URI uri;
    try {
      uri = new URI(GitUrls.stripCredentials(url));
    } catch (URISyntaxException e) {
      return Optional.ofNullable(fromEnv);
    }
    if (fromEnv != null) {
      return Optional.of(fromEnv);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    for (Entry e : entries) {
      if (e.scheme.equals(scheme)
          && e.host.equals(host)
          && (e.port == -1 || e.port == uri.getPort())
          && (e.path.isEmpty()
              || path.equals(e.path)
              || path.startsWith(e.path + "/")
              || path.equals(e.path + ".git"))) {
        return Optional.of(e.user);
      }
    }
    return Optional.empty();
  }

  /**
   * A JGit provider for {@code url}, or null when there are no credentials for it; always null for
   * an SSH URL (keys authenticate there; a token must not reach an SSH server as a password).
   */
  public CredentialsProvider providerFor(String url) {
    if (GitSsh.isSsh(url)) {
      return null;
    }
    return lookup(url)
        .map(
            u ->
                (CredentialsProvider)
                    new UsernamePasswordCredentialsProvider(u.username(), u.password()))
        .orElse(null);
  }

  /** Gives an SSH transport the session factory with the configured keys and known hosts. */
  public void configure(Transport transport) {
    if (transport instanceof SshTransport sshTransport) {
      sshTransport.setSshSessionFactory(ssh.factory());
    }
  }

  /** {@code text} with every known secret replaced by {@code ***}, for messages and logs. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, "***");
    }
    return redactUrls(out);
  }

  /** Removes the user-info of every {@code scheme://user:pass@} in {@code text}. */
  static String redactUrls(String text) {
    return text.replaceAll("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+:[^/@\\s]*@", "$1***@");
  }

  @Override
  public String toString() {
    return "GitCredentials[env=" + (fromEnv != null) + ", fileEntries=" + entries.size() + ", "
        + ssh + "]";
  }
}
