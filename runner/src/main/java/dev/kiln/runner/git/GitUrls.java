package dev.kiln.runner.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Repository URLs as Kiln records and compares them: without user-info (a token in {@code
 * https://user:token@host/repo} must never reach the store or a log), and in a canonical form so
 * that a webhook's {@code clone_url} matches the URL a watcher was started with.
 */
public final class GitUrls {
  private GitUrls() {}

  /** The user name and password written into a URL, if any. */
  public record UserInfo(String username, String password) {
    @Override
    public String toString() {
      return "UserInfo[username=" + username + ", password=***]";
    }
  }

  /**
   * The URL without {@code user:password@}; SCP-style ({@code git@host:path}) and local paths are
   * returned unchanged because they hold no secret. An SSH URL keeps its user name ({@code
   * ssh://git@host/...}: the server needs it, and it is no secret), losing only a password; an
   * HTTP(S) URL loses the whole user-info, since a token may stand there alone.
   */
  public static String stripCredentials(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url;
    }
    int start = scheme + 3;
    int slash = url.indexOf('/', start);
    int end = slash < 0 ? url.length() : slash;
    int at = url.lastIndexOf('@', end - 1);
    if (at < start) {
      return url;
    }
    if (GitSsh.isSsh(url)) {
      int colon = url.indexOf(':', start);
      String user = colon >= 0 && colon < at ? url.substring(start, colon) : url.substring(start, at);
      return url.substring(0, start) + user + url.substring(at);
    }
    return url.substring(0, start) + url.substring(at + 1);
  }

  /** The user-info of an http(s) URL, decoded; empty when there is none or it has no password. */
  public static Optional<UserInfo> userInfo(String url) {
    if (url == null || !url.contains("://")) {
      return Optional.empty();
    }
    try {
      String raw = new URI(url).getRawUserInfo();
      if (raw == null || !raw.contains(":")) {
        return Optional.empty();
      }
      int colon = raw.indexOf(':');
      return Optional.of(
          new UserInfo(decode(raw.substring(0, colon)), decode(raw.substring(colon + 1))));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  static String decode(String s) {
    return URLDecoder.decode(
        s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * What the user passed to {@code --repo}: an existing local folder becomes its absolute path,
   * anything else is a URL (kept as given, minus credentials).
   */
  public static String normalizeRepo(String urlOrPath) {
    if (!urlOrPath.contains("://") && !urlOrPath.matches("[^/]+@[^/]+:.*")) {
      Path p = Path.of(urlOrPath);
      if (Files.isDirectory(p)) {
        return p.toAbsolutePath().normalize().toString();
      }
    }
    return stripCredentials(urlOrPath);
  }

  /**
   * A key under which two spellings of one repository compare equal: no scheme, user-info, port
   * punctuation, trailing {@code .git} or slash; host lower-cased; {@code git@host:owner/repo} and
   * {@code https://host/owner/repo} give the same key.
   */
  public static String matchKey(String url) {
    String s = stripCredentials(url.trim());
    if (s.startsWith("file://")) {
      s = s.substring("file://".length());
    }
    int scheme = s.indexOf("://");
    String host = "";
    String path;
    if (scheme >= 0) {
      String rest = s.substring(scheme + 3);
      int slash = rest.indexOf('/');
      host = slash < 0 ? rest : rest.substring(0, slash);
      path = slash < 0 ? "" : rest.substring(slash);
      int at = host.lastIndexOf('@');
      host = at >= 0 ? host.substring(at + 1) : host;
      int colon = host.indexOf(':');
      host = colon >= 0 ? host.substring(0, colon) : host;
    } else if (s.matches("[^/]+@[^/]+:.*")) {
      int at = s.indexOf('@');
      int colon = s.indexOf(':', at);
      host = s.substring(at + 1, colon);
      path = "/" + s.substring(colon + 1);
    } else {
      path = s;
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith(".git")) {
      path = path.substring(0, path.length() - 4);
    }
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    return host.toLowerCase(Locale.ROOT) + path;
  }
}
