package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookHandlerTest {
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final byte[] GITHUB_PUSH =
      ("{\"ref\":\"refs/heads/main\",\"before\":\""
              + "1".repeat(40)
              + "\",\"after\":\""
              + SHA
              + "\",\"repository\":{\"clone_url\":\"https://github.com/team/app.git\","
              + "\"ssh_url\":\"git@github.com:team/app.git\",\"html_url\":\"https://github.com/team/app\"},"
              + "\"pusher\":{\"name\":\"ada\"}}")
          .getBytes(StandardCharsets.UTF_8);
  static final byte[] GITLAB_PUSH =
      ("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\""
              + SHA
              + "\",\"user_username\":\"ada\",\"project\":{\"git_http_url\":\"https://gitlab.com/team/app.git\","
              + "\"git_ssh_url\":\"git@gitlab.com:team/app.git\"}}")
          .getBytes(StandardCharsets.UTF_8);

  final List<PushEvent> pushes = new ArrayList<>();
  final List<String> log = new ArrayList<>();
  final WebhookHandler handler =
      new WebhookHandler(
          "gh-secret",
          "gl-token",
          push -> {
            pushes.add(push);
            return true;
          },
          log::add);

  static Map<String, String> github(String event, String signature) {
    return Map.of("X-GitHub-Event", event, "X-Hub-Signature-256", signature);
  }

  @Test
  void aSignedGitHubPushIsHandedOn() {
    // The signature GitHub documents for secret "It's a Secret to Everybody" and body "Hello,
    // World!".
    assertThat(
            WebhookHandler.githubSignature(
                "It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");

    WebhookResult r =
        handler.handle(
            github("push", WebhookHandler.githubSignature("gh-secret", GITHUB_PUSH)), GITHUB_PUSH);

    assertThat(r.status()).isEqualTo(202);
    assertThat(r.message())
        .isEqualTo(
            "accepted push to refs/heads/main of https://github.com/team/app.git at 0123456789ab:"
                + " polling now");
    assertThat(pushes)
        .containsExactly(
            new PushEvent(
                PushEvent.Provider.GITHUB,
                List.of(
                    "https://github.com/team/app.git",
                    "git@github.com:team/app.git",
                    "https://github.com/team/app"),
                "refs/heads/main",
                SHA,
                "ada"));
    assertThat(pushes.get(0).branch()).isEqualTo("main");
  }

  @Test
  void headerNamesAreCaseInsensitive() {
    WebhookResult r =
        handler.handle(
            Map.of(
                "x-github-event",
                "push",
                "x-hub-signature-256",
                WebhookHandler.githubSignature("gh-secret", GITHUB_PUSH)),
            GITHUB_PUSH);
    assertThat(r.status()).isEqualTo(202);
  }

  @Test
  void aBadOrMissingSignatureIsRefusedLoggedAndNeverHandedOn() {
    byte[] tampered =
        new String(GITHUB_PUSH, StandardCharsets.UTF_8)
            .replace("main", "prod")
            .getBytes(StandardCharsets.UTF_8);
    WebhookResult bad =
        handler.handle(
            github("push", WebhookHandler.githubSignature("gh-secret", GITHUB_PUSH)), tampered);
    WebhookResult wrongKey =
        handler.handle(
            github("push", WebhookHandler.githubSignature("guess", GITHUB_PUSH)), GITHUB_PUSH);
    WebhookResult missing = handler.handle(Map.of("X-GitHub-Event", "push"), GITHUB_PUSH);
    WebhookResult garbage = handler.handle(github("push", "sha256=zz"), GITHUB_PUSH);
    WebhookResult gitlabBad =
        handler.handle(
            Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "gl-tokem"), GITLAB_PUSH);
    WebhookResult gitlabMissing =
        handler.handle(Map.of("X-Gitlab-Event", "Push Hook"), GITLAB_PUSH);

    assertThat(List.of(bad, wrongKey, missing, garbage, gitlabBad, gitlabMissing))
        .extracting(WebhookResult::status)
        .containsOnly(401);
    assertThat(bad.message())
        .isEqualTo(
            "webhook refused: bad X-Hub-Signature-256 (the body was not signed with the configured"
                + " secret)");
    assertThat(missing.message())
        .isEqualTo("webhook refused: GitHub request without X-Hub-Signature-256");
    assertThat(gitlabBad.message()).isEqualTo("webhook refused: bad X-Gitlab-Token");
    assertThat(pushes).isEmpty();
    assertThat(log).hasSize(6).allMatch(l -> l.startsWith("webhook 401: webhook refused: "));
    assertThat(String.join("\n", log)).doesNotContain("gh-secret").doesNotContain("gl-token");
  }

  @Test
  void withoutAConfiguredSecretEverythingIsRefused() {
    WebhookHandler off = WebhookHandler.fromEnvironment(Map.of(), push -> true, log::add);
    assertThat(off.enabled()).isFalse();
    WebhookResult r =
        off.handle(
            github("push", WebhookHandler.githubSignature("anything", GITHUB_PUSH)), GITHUB_PUSH);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.message())
        .contains("no GitHub webhook secret is configured (KILN_WEBHOOK_SECRET)");
  }

  @Test
  void secretsComeFromTheEnvironment() {
    WebhookHandler h =
        WebhookHandler.fromEnvironment(
            Map.of("KILN_WEBHOOK_SECRET", "shared", "KILN_GITLAB_WEBHOOK_TOKEN", "gl-only"),
            push -> true,
            log::add);
    assertThat(
            h.handle(
                    github("push", WebhookHandler.githubSignature("shared", GITHUB_PUSH)),
                    GITHUB_PUSH)
                .status())
        .isEqualTo(202);
    assertThat(h.handle(Map.of("X-Gitlab-Token", "shared"), GITLAB_PUSH).status()).isEqualTo(401);
    assertThat(h.handle(Map.of("X-Gitlab-Token", "gl-only"), GITLAB_PUSH).status()).isEqualTo(202);
  }

  @Test
  void aGitLabPushWithTheRightTokenIsHandedOn() {
    WebhookResult r =
        handler.handle(
            Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "gl-token"), GITLAB_PUSH);
    assertThat(r.status()).isEqualTo(202);
    assertThat(pushes).hasSize(1);
    assertThat(pushes.get(0).provider()).isEqualTo(PushEvent.Provider.GITLAB);
    assertThat(pushes.get(0).repoUrls())
        .containsExactly("https://gitlab.com/team/app.git", "git@gitlab.com:team/app.git");
    assertThat(pushes.get(0).pusher()).isEqualTo("ada");
  }

  @Test
  void verifiedRequestsThatAreNotPushesRunNothing() {
    byte[] ping = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(
            handler.handle(github("ping", WebhookHandler.githubSignature("gh-secret", ping)), ping))
        .extracting(WebhookResult::status, WebhookResult::message)
        .containsExactly(200, "pong (GitHub webhook verified)");
    assertThat(
            handler
                .handle(github("issues", WebhookHandler.githubSignature("gh-secret", ping)), ping)
                .status())
        .isEqualTo(200);
    byte[] notJson = "{oops".getBytes(StandardCharsets.UTF_8);
    assertThat(
            handler
                .handle(
                    github("push", WebhookHandler.githubSignature("gh-secret", notJson)), notJson)
                .status())
        .isEqualTo(400);
    byte[] tag =
        new String(GITHUB_PUSH, StandardCharsets.UTF_8)
            .replace("refs/heads/main", "refs/tags/v1")
            .getBytes(StandardCharsets.UTF_8);
    WebhookResult tagPush =
        handler.handle(github("push", WebhookHandler.githubSignature("gh-secret", tag)), tag);
    assertThat(tagPush.status()).isEqualTo(200);
    assertThat(tagPush.message()).endsWith(": not a branch");
    assertThat(pushes).isEmpty();
  }

  @Test
  void aPushNoWatcherTakesIsAnsweredWithoutRunning() {
    WebhookHandler none = new WebhookHandler("gh-secret", null, push -> false, log::add);
    WebhookResult r =
        none.handle(
            github("push", WebhookHandler.githubSignature("gh-secret", GITHUB_PUSH)), GITHUB_PUSH);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.message()).startsWith("no watch for push to refs/heads/main");
  }
}
