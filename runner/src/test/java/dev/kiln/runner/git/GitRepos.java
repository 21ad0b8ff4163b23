package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real repositories made with the {@code git} command: a bare "remote" and a clone to commit and
 * push from, as a developer would.
 */
final class GitRepos {
  final Path remote;
  final Path work;

  private GitRepos(Path remote, Path work) {
    this.remote = remote;
    this.work = work;
  }

  /** A bare repository (branch main, no commits) and an empty clone of it. */
  static GitRepos create(Path dir) {
    Path remote = dir.resolve("remote.git");
    Path work = dir.resolve("work");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
    git(dir, "clone", "-q", remote.toString(), work.toString());
    git(work, "symbolic-ref", "HEAD", "refs/heads/main");
    return new GitRepos(remote, work);
  }

  /** A process step printing {@code version.txt} of the commit, and the pipeline "ci". */
  static final String VALOHAI_YAML =
      """
      - step:
          name: show
          image: busybox
          command:
            - echo "code says $(cat /valohai/repository/version.txt)"
      - pipeline:
          name: ci
          nodes:
            - name: show
              type: execution
              step: show
          edges: []
      """;

  /** Writes files (name, text, name, text...) and commits them; returns the new sha. */
  String commit(String message, String... namesAndTexts) {
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      Path f = work.resolve(namesAndTexts[i]);
      try {
        Files.createDirectories(f.getParent());
        Files.writeString(f, namesAndTexts[i + 1], StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", message);
    return head();
  }

  String head() {
    return git(work, "rev-parse", "HEAD").strip();
  }

  void push() {
    git(work, "push", "-q", "origin", "main");
  }

  static String git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_AUTHOR_NAME", "Ada Tester");
    pb.environment().put("GIT_AUTHOR_EMAIL", "ada@example.com");
    pb.environment().put("GIT_COMMITTER_NAME", "Ada Tester");
    pb.environment().put("GIT_COMMITTER_EMAIL", "ada@example.com");
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("HOME", dir.toAbsolutePath().toString());
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("git %s in %s:%n%s", args, dir, out).isZero();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
