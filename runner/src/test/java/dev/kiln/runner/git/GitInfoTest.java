package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.model.CommitInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit of a working copy, as {@code kiln run} records it. */
class GitInfoTest {
  @TempDir Path dir;

  @Test
  void aCleanWorkingCopyGivesItsCommitWithoutCredentials() throws Exception {
    GitRepos repos = GitRepos.create(dir);
    String sha =
        repos.commit(
            "add pipeline\n\nbody", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    GitRepos.git(
        repos.work, "remote", "set-url", "origin", "https://ada:s3cret@example.com/team/app.git");
    Files.createDirectories(repos.work.resolve("sub/dir"));

    CommitInfo c = GitInfo.detect(repos.work.resolve("sub/dir")).orElseThrow();

    assertThat(c)
        .isEqualTo(
            new CommitInfo(
                "https://example.com/team/app.git",
                "main",
                sha,
                "Ada Tester <ada@example.com>",
                "add pipeline\n\nbody\n",
                false));
  }

  @Test
  void aRevisionGivenByHandIsResolvedInTheWorkingCopy() throws Exception {
    GitRepos repos = GitRepos.create(dir);
    String one = repos.commit("one", "version.txt", "v1");
    repos.commit("two", "version.txt", "v2");
    GitRepos.git(repos.work, "tag", "v1", one);
    Files.writeString(repos.work.resolve("version.txt"), "edited");

    assertThat(GitInfo.resolve(repos.work, one.substring(0, 8)).orElseThrow())
        .isEqualTo(
            new CommitInfo(
                repos.remote.toString(),
                null,
                one,
                "Ada Tester <ada@example.com>",
                "one\n",
                false));
    assertThat(GitInfo.resolve(repos.work, "v1").orElseThrow().ref()).isEqualTo("refs/tags/v1");
    assertThat(GitInfo.resolve(repos.work, "main").orElseThrow().ref()).isEqualTo("main");
    assertThat(GitInfo.resolve(repos.work, "no-such-rev")).isEmpty();
    assertThat(GitInfo.resolve(repos.work, "a..b")).isEmpty();
  }

  @Test
  void changesToTrackedFilesMakeItDirtyAndUntrackedFilesDoNot() throws Exception {
    GitRepos repos = GitRepos.create(dir);
    repos.commit("one", "version.txt", "v1");
    Files.writeString(repos.work.resolve("scratch.txt"), "not tracked");
    assertThat(GitInfo.detect(repos.work).orElseThrow().dirty()).isFalse();

    Files.writeString(repos.work.resolve("version.txt"), "v2");
    assertThat(GitInfo.detect(repos.work).orElseThrow().dirty()).isTrue();
  }

  @Test
  void aDetachedHeadHasNoBranchAndAPlainFolderNoCommit() throws Exception {
    GitRepos repos = GitRepos.create(dir.resolve("r"));
    String one = repos.commit("one", "version.txt", "v1");
    repos.commit("two", "version.txt", "v2");
    GitRepos.git(repos.work, "checkout", "-q", one);
    CommitInfo c = GitInfo.detect(repos.work).orElseThrow();
    assertThat(c.sha()).isEqualTo(one);
    assertThat(c.ref()).isNull();
    // No origin: the working copy's own folder stands for the repository.
    GitRepos.git(repos.work, "remote", "remove", "origin");
    assertThat(GitInfo.detect(repos.work).orElseThrow().repoUrl())
        .isEqualTo(repos.work.toAbsolutePath().normalize().toString());

    Path plain = Files.createDirectories(dir.resolve("plain"));
    assertThat(GitInfo.detect(plain)).isEmpty();
  }
}
