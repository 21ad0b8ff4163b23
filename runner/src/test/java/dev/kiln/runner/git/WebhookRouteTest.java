package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The route on a real Javalin server, called over HTTP. */
class WebhookRouteTest {
  final List<PushEvent> pushes = Collections.synchronizedList(new ArrayList<>());
  Javalin app;
  URI uri;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    WebhookHandler handler =
        new WebhookHandler(
            "gh-secret",
            "gl-token",
            push -> {
              pushes.add(push);
              return true;
            },
            line -> {});
    app = Javalin.create(config -> config.showJavalinBanner = false);
    WebhookRoute.register(app, handler);
    app.start("127.0.0.1", 0);
    uri = URI.create("http://127.0.0.1:" + app.port() + WebhookRoute.PATH);
  }

  @AfterEach
  void stop() {
    app.stop();
  }

  HttpResponse<String> post(byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSignedPushIsAcceptedAndABadOneRefusedWith401() throws Exception {
    byte[] body = WebhookHandlerTest.GITHUB_PUSH;
    HttpResponse<String> ok =
        post(
            body,
            "X-GitHub-Event",
            "push",
            "X-Hub-Signature-256",
            WebhookHandler.githubSignature("gh-secret", body),
            "Content-Type",
            "application/json");
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(ok.body())
        .isEqualTo(
            "{\"status\":202,\"message\":\"accepted push to refs/heads/main of"
                + " https://github.com/team/app.git at 0123456789ab: polling now\"}");
    assertThat(pushes).hasSize(1);

    HttpResponse<String> bad =
        post(
            body,
            "X-GitHub-Event",
            "push",
            "X-Hub-Signature-256",
            WebhookHandler.githubSignature("wrong", body));
    assertThat(bad.statusCode()).isEqualTo(401);
    HttpResponse<String> missing = post(body, "X-GitHub-Event", "push");
    assertThat(missing.statusCode()).isEqualTo(401);
    HttpResponse<String> gitlab =
        post(
            WebhookHandlerTest.GITLAB_PUSH,
            "X-Gitlab-Event",
            "Push Hook",
            "X-Gitlab-Token",
            "gl-token");
    assertThat(gitlab.statusCode()).isEqualTo(202);
    assertThat(pushes).hasSize(2);
  }
}
