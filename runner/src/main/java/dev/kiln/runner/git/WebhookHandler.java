package dev.kiln.runner.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a push webhook from GitHub or GitLab into a poll of the watchers of that repository and
 * branch. The request is authenticated before its body is even parsed: GitHub's {@code
 * X-Hub-Signature-256} (HMAC-SHA256 of the raw body with the shared secret) or GitLab's {@code
 * X-Gitlab-Token} (the secret itself), both compared in constant time. A bad or missing signature
 * is answered 401 and logged, and nothing runs.
 *
 * <p>The payload only says "look now": the watcher fetches the repository itself and runs what it
 * finds, so a replayed or forged-but-signed payload cannot make Kiln run a commit that is not on
 * the branch. Independent of any HTTP server; {@link WebhookRoute} plugs it into Javalin.
 */
public final class WebhookHandler {
  /** GitHub's secret for {@code X-Hub-Signature-256}; also GitLab's token unless that is set. */
  public static final String ENV_SECRET = "KILN_WEBHOOK_SECRET";

  /** GitHub's secret, when it differs from GitLab's. */
  public static final String ENV_GITHUB_SECRET = "KILN_GITHUB_WEBHOOK_SECRET";

  /** GitLab's secret token, when it differs from GitHub's. */
  public static final String ENV_GITLAB_TOKEN = "KILN_GITLAB_WEBHOOK_TOKEN";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte[] githubSecret;
  private final byte[] gitlabToken;
  private final PushListener listener;
  private final Consumer<String> log;

  /**
   * @param githubSecret the webhook secret configured on GitHub; null refuses GitHub requests
   * @param gitlabToken the secret token configured on GitLab; null refuses GitLab requests
   * @param listener what a verified push is handed to (a {@link GitWatcher}, or {@link
   *     PushListener#all} of several)
   * @param log where refused and accepted requests are reported (never with a secret)
   */
  public WebhookHandler(
      String githubSecret, String gitlabToken, PushListener listener, Consumer<String> log) {
    this.githubSecret = bytes(githubSecret);
    this.gitlabToken = bytes(gitlabToken);
    this.listener = Objects.requireNonNull(listener, "listener");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * The secrets from {@value #ENV_SECRET}, {@value #ENV_GITHUB_SECRET} and {@value
   * #ENV_GITLAB_TOKEN}. With none set every request is refused (401): webhooks are off.
   */
  public static WebhookHandler fromEnvironment(
      Map<String, String> env, PushListener listener, Consumer<String> log) {
    String shared = blankToNull(env.get(ENV_SECRET));
    String github = Optional.ofNullable(blankToNull(env.get(ENV_GITHUB_SECRET))).orElse(shared);
    String gitlab = Optional.ofNullable(blankToNull(env.get(ENV_GITLAB_TOKEN))).orElse(shared);
    return new WebhookHandler(github, gitlab, listener, log);
  }

  /** True when at least one provider can be verified. */
  public boolean enabled() {
    return githubSecret != null || gitlabToken != null;
  }

  /**
   * Answers one request.
   *
   * @param headers the request headers (names in any case)
   * @param body the raw request body, exactly as received (the signature covers these bytes)
   */
  public WebhookResult handle(Map<String, String> headers, byte[] body) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            h.put(k, v);
          }
        });
    byte[] raw = body == null ? new byte[0] : body;
    boolean gitlab = h.containsKey("X-Gitlab-Token") || h.containsKey("X-Gitlab-Event");
    return gitlab ? gitlab(h, raw) : github(h, raw);
  }

  private WebhookResult github(Map<String, String> h, byte[] body) {
    String signature = h.get("X-Hub-Signature-256");
    if (signature == null) {
      return refuse("GitHub request without X-Hub-Signature-256");
    }
    if (githubSecret == null) {
      return refuse(
          "GitHub request, but no GitHub webhook secret is configured (" + ENV_SECRET + ")");
    }
    if (!signature.startsWith("sha256=")) {
      return refuse("X-Hub-Signature-256 is not of the form sha256=HEX");
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.substring("sha256=".length()).trim());
    } catch (IllegalArgumentException e) {
      return refuse("X-Hub-Signature-256 is not of the form sha256=HEX");
    }
    if (!MessageDigest.isEqual(hmacSha256(githubSecret, body), given)) {
      return refuse("bad X-Hub-Signature-256 (the body was not signed with the configured secret)");
    }
    String event = h.getOrDefault("X-GitHub-Event", "");
    if (event.equals("ping")) {
      return answer(200, "pong (GitHub webhook verified)", Optional.empty());
    }
    if (!event.equals("push")) {
      return answer(
          200,
          "ignored GitHub event \"" + event + "\" (only push runs pipelines)",
          Optional.empty());
    }
    JsonNode root;
    try {
      root = parse(body);
    } catch (IOException e) {
      return answer(
          400, "GitHub push payload is not JSON: " + firstLine(e.getMessage()), Optional.empty());
    }
    JsonNode repo = root.path("repository");
    List<String> urls =
        texts(repo, "clone_url", "ssh_url", "git_url", "html_url", "url", "svn_url");
    return push(PushEvent.Provider.GITHUB, root, urls, root.path("pusher").path("name"));
  }

  private WebhookResult gitlab(Map<String, String> h, byte[] body) {
    String token = h.get("X-Gitlab-Token");
    if (token == null) {
      return refuse("GitLab request without X-Gitlab-Token");
    }
    if (gitlabToken == null) {
      return refuse(
          "GitLab request, but no GitLab webhook token is configured (" + ENV_SECRET + ")");
    }
    if (!MessageDigest.isEqual(
        sha256(gitlabToken), sha256(token.getBytes(StandardCharsets.UTF_8)))) {
      return refuse("bad X-Gitlab-Token");
    }
    String event = h.getOrDefault("X-Gitlab-Event", "");
    JsonNode root;
    try {
      root = parse(body);
    } catch (IOException e) {
      return answer(
          400, "GitLab payload is not JSON: " + firstLine(e.getMessage()), Optional.empty());
    }
    String kind = root.path("object_kind").asText("");
    if (!event.equals("Push Hook") && !kind.equals("push")) {
      return answer(
          200,
          "ignored GitLab event \""
              + (event.isEmpty() ? kind : event)
              + "\" (only push runs pipelines)",
          Optional.empty());
    }
    List<String> urls = new ArrayList<>();
    urls.addAll(
        texts(root.path("project"), "git_http_url", "git_ssh_url", "web_url", "http_url", "url"));
    urls.addAll(texts(root.path("repository"), "git_http_url", "git_ssh_url", "homepage", "url"));
    return push(PushEvent.Provider.GITLAB, root, urls, root.path("user_username"));
  }

  private WebhookResult push(
      PushEvent.Provider provider, JsonNode root, List<String> urls, JsonNode pusher) {
    String ref = root.path("ref").asText("");
    String after = root.path("after").asText("");
    if (ref.isEmpty() || after.isEmpty() || urls.isEmpty()) {
      return answer(
          400,
          provider.name().toLowerCase(Locale.ROOT)
              + " push payload lacks ref, after or the repository URLs",
          Optional.empty());
    }
    PushEvent push =
        new PushEvent(provider, urls, ref, after, pusher.isTextual() ? pusher.asText() : null);
    String what =
        "push to "
            + ref
            + " of "
            + push.repoUrls().get(0)
            + (push.deleted() ? " (branch deleted)" : " at " + shortSha(after));
    if (push.branch() == null) {
      return answer(200, "ignored " + what + ": not a branch", Optional.of(push));
    }
    boolean taken = listener.onPush(push);
    return taken
        ? answer(202, "accepted " + what + ": polling now", Optional.of(push))
        : answer(200, "no watch for " + what, Optional.of(push));
  }

  private WebhookResult refuse(String why) {
    return answer(401, "webhook refused: " + why, Optional.empty());
  }

  private WebhookResult answer(int status, String message, Optional<PushEvent> push) {
    log.accept("webhook " + status + ": " + message);
    return new WebhookResult(status, message, push);
  }

  private static JsonNode parse(byte[] body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.isObject()) {
      throw new IOException("expected a JSON object");
    }
    return root;
  }

  private static List<String> texts(JsonNode node, String... fields) {
    List<String> out = new ArrayList<>();
    for (String f : fields) {
      JsonNode v = node.path(f);
      if (v.isTextual() && !v.asText().isBlank() && !out.contains(v.asText())) {
        out.add(v.asText());
      }
    }
    return out;
  }

  /** HMAC-SHA256, as GitHub computes {@code X-Hub-Signature-256}. */
  static byte[] hmacSha256(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** {@code sha256=HEX} for {@code body}: what GitHub sends; for tests and clients. */
  public static String githubSignature(String secret, byte[] body) {
    return "sha256="
        + HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
  }

  private static byte[] sha256(byte[] b) {
    // Hashing first makes the comparison constant-time in the token's length too.
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String s) {
    String v = blankToNull(s);
    return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String shortSha(String sha) {
    return sha.substring(0, Math.min(12, sha.length()));
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
