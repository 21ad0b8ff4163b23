package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCredentialsTest {
  @TempDir Path dir;

  @Test
  void urlsAreRecordedWithoutUserInfo() {
    assertThat(GitUrls.stripCredentials("https://ada:s3cret@github.com/team/app.git"))
        .isEqualTo("https://github.com/team/app.git");
    assertThat(GitUrls.stripCredentials("https://x-access-token:ghp_abc@github.com:443/a/b"))
        .isEqualTo("https://github.com:443/a/b");
    assertThat(GitUrls.stripCredentials("https://github.com/a/b@v1"))
        .isEqualTo("https://github.com/a/b@v1");
    assertThat(GitUrls.stripCredentials("git@github.com:team/app.git"))
        .isEqualTo("git@github.com:team/app.git");
    // an SSH user name is kept (the server needs it), a password is not
    assertThat(GitUrls.stripCredentials("ssh://git@github.com/team/app.git"))
        .isEqualTo("ssh://git@github.com/team/app.git");
    assertThat(GitUrls.stripCredentials("ssh://ada:s3cret@host:2222/app.git"))
        .isEqualTo("ssh://ada@host:2222/app.git");
    assertThat(GitUrls.stripCredentials("https://ghp_token@github.com/team/app.git"))
        .isEqualTo("https://github.com/team/app.git");
    assertThat(GitUrls.normalizeRepo("https://ada:s3cret@github.com/team/app.git"))
        .isEqualTo("https://github.com/team/app.git");
    assertThat(GitUrls.userInfo("https://ada:s3%2Fcret@github.com/x"))
        .contains(new GitUrls.UserInfo("ada", "s3/cret"));
    assertThat(new GitUrls.UserInfo("ada", "s3cret").toString()).doesNotContain("s3cret");
  }

  @Test
  void spellingsOfOneRepositoryMatch() {
    String key = GitUrls.matchKey("https://github.com/team/app");
    assertThat(GitUrls.matchKey("git@github.com:team/app.git")).isEqualTo(key);
    assertThat(GitUrls.matchKey("https://ada:x@GitHub.com/team/app.git/")).isEqualTo(key);
    assertThat(GitUrls.matchKey("ssh://git@github.com:22/team/app.git")).isEqualTo(key);
    assertThat(GitUrls.matchKey("https://github.com/team/other")).isNotEqualTo(key);
  }

  @Test
  void aTokenFromTheEnvironmentIsUsedAndRedacted() {
    GitCredentials c =
        GitCredentials.fromEnvironment(
            Map.of("KILN_GIT_USERNAME", "ada", "KILN_GIT_TOKEN", "tok-123"));
    assertThat(c.lookup("https://github.com/team/app.git"))
        .contains(new GitUrls.UserInfo("ada", "tok-123"));
    assertThat(c.redact("fetch failed: not authorized for tok-123 at https://bob:pw@h/x"))
        .isEqualTo("fetch failed: not authorized for *** at https://***@h/x");
    assertThat(c.toString()).doesNotContain("tok-123");
    assertThat(GitCredentials.fromEnvironment(Map.of("KILN_GIT_TOKEN", "t")).lookup("https://h/x"))
        .contains(new GitUrls.UserInfo("kiln", "t"));
  }

  @Test
  void aCredentialsFileIsMatchedByHostAndPath() throws Exception {
    Path file = dir.resolve("credentials");
    Files.writeString(
        file,
        "# team tokens\n"
            + "https://ci:team-token@git.example.com/team\n"
            + "https://me:own-token@github.com\n");
    GitCredentials c =
        GitCredentials.fromEnvironment(Map.of("KILN_GIT_CREDENTIALS", file.toString()));
    assertThat(c.lookup("https://git.example.com/team/app.git"))
        .contains(new GitUrls.UserInfo("ci", "team-token"));
    assertThat(c.lookup("https://git.example.com/other/app.git")).isEmpty();
    assertThat(c.lookup("https://github.com/any/thing"))
        .contains(new GitUrls.UserInfo("me", "own-token"));
    assertThat(c.lookup("http://github.com/any/thing")).as("scheme must match").isEmpty();
    assertThat(c.redact("team-token and own-token")).isEqualTo("*** and ***");
  }

  @Test
  void aBadCredentialsFileIsAnErrorThatDoesNotEchoTheSecret() throws Exception {
    Path file = dir.resolve("credentials");
    Files.writeString(file, "https://ok:fine@h.example\nnot a url with s3cret\n");
    assertThatThrownBy(
            () -> GitCredentials.fromEnvironment(Map.of("KILN_GIT_CREDENTIALS", file.toString())))
        .isInstanceOf(GitException.class)
        .hasMessage(
            file + ":2: expected https://USER:TOKEN@HOST[/PATH] (git-credential-store format)");
    assertThatThrownBy(
            () ->
                GitCredentials.fromEnvironment(
                    Map.of("KILN_GIT_CREDENTIALS", dir.resolve("missing").toString())))
        .isInstanceOf(GitException.class)
        .hasMessageStartingWith("KILN_GIT_CREDENTIALS=" + dir.resolve("missing") + ": cannot read");
  }
}
