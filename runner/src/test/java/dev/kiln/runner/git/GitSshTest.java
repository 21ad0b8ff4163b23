package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln watch's mirror over SSH, against a real SSH server on 127.0.0.1. */
class GitSshTest {
  @TempDir Path dir;

  @Test
  void fetchesAndChecksOutOverSshWithTheConfiguredKeyAndKnownHosts() throws Exception {
    GitRepos repos = GitRepos.create(dir.resolve("git"));
    String sha = repos.commit("one", "version.txt", "v1");
    repos.push();
    KeyPair user = SshGitServer.ecKeyPair();
    try (SshGitServer server = new SshGitServer(user.getPublic())) {
      Path key = SshGitServer.writePrivateKey(user, dir.resolve("id_kiln"));
      Path knownHosts = Files.writeString(dir.resolve("known_hosts"), server.knownHostsLine() + "\n");
      GitCredentials creds =
          GitCredentials.fromEnvironment(
              Map.of(
                  GitSsh.KEY_ENV, key.toString(),
                  GitSsh.KNOWN_HOSTS_ENV, knownHosts.toString(),
                  "KILN_GIT_TOKEN", "s3cret-token"));
      String url = "ssh://git@127.0.0.1:" + server.port() + repos.remote.toAbsolutePath();
      try (RepositoryMirror m = RepositoryMirror.open(url, dir.resolve("home"), creds)) {
        assertThat(m.fetch("main")).contains(sha);
        assertThat(Files.readString(m.checkout(sha).resolve("version.txt"))).isEqualTo("v1");
      }
      assertThat(server.commands.get()).isEqualTo(1);
      assertThat(server.users).containsOnly("git");
      // the HTTPS token is never offered to an SSH server
      assertThat(creds.providerFor(url)).isNull();
      assertThat(creds.providerFor("git@github.com:team/app.git")).isNull();
      assertThat(creds.providerFor("https://github.com/team/app.git")).isNotNull();
    }
  }

  @Test
  void aServerWhoseHostKeyIsNotKnownIsRefusedBeforeAnythingIsFetched() throws Exception {
    GitRepos repos = GitRepos.create(dir.resolve("git"));
    repos.commit("one", "version.txt", "v1");
    repos.push();
    KeyPair user = SshGitServer.ecKeyPair();
    try (SshGitServer server = new SshGitServer(user.getPublic());
        SshGitServer other = new SshGitServer(user.getPublic())) {
      Path key = SshGitServer.writePrivateKey(user, dir.resolve("id_kiln"));
      // known_hosts trusts another key for this host and port
      Path knownHosts =
          Files.writeString(
              dir.resolve("known_hosts"),
              server.knownHostsLine().replaceFirst(
                  " .*", " " + other.knownHostsLine().split(" ", 2)[1]) + "\n");
      GitCredentials creds =
          GitCredentials.fromEnvironment(
              Map.of(GitSsh.KEY_ENV, key.toString(), GitSsh.KNOWN_HOSTS_ENV, knownHosts.toString()));
      String url = "ssh://git@127.0.0.1:" + server.port() + repos.remote.toAbsolutePath();
      try (RepositoryMirror m = RepositoryMirror.open(url, dir.resolve("home"), creds)) {
        assertThatThrownBy(() -> m.fetch("main"))
            .isInstanceOf(GitException.class)
            .hasMessageStartingWith("cannot fetch " + url)
            .hasMessageContaining("did not validate")
            .hasMessageContaining(GitSsh.KNOWN_HOSTS_ENV);
      }
      assertThat(server.commands.get()).isZero();
    }
  }

  @Test
  void aNamedKeyOrKnownHostsFileThatDoesNotExistIsAnErrorNamingTheVariable() {
    assertThatThrownBy(
            () -> GitCredentials.fromEnvironment(Map.of(GitSsh.KEY_ENV, dir.resolve("nope").toString())))
        .isInstanceOf(GitException.class)
        .hasMessage(GitSsh.KEY_ENV + "=" + dir.resolve("nope") + ": no such file");
    assertThatThrownBy(
            () ->
                GitCredentials.fromEnvironment(
                    Map.of(GitSsh.KNOWN_HOSTS_ENV, dir.resolve("kh").toString())))
        .isInstanceOf(GitException.class)
        .hasMessageContaining(GitSsh.KNOWN_HOSTS_ENV);
  }

  @Test
  void sshUrlsAreRecognisedInEveryForm() {
    assertThat(GitSsh.isSsh("ssh://git@host:2222/team/app.git")).isTrue();
    assertThat(GitSsh.isSsh("git+ssh://host/team/app.git")).isTrue();
    assertThat(GitSsh.isSsh("git@github.com:team/app.git")).isTrue();
    assertThat(GitSsh.isSsh("https://github.com/team/app.git")).isFalse();
    assertThat(GitSsh.isSsh("file:///srv/git/app.git")).isFalse();
    assertThat(GitSsh.isSsh("/srv/git/app.git")).isFalse();
  }
}
