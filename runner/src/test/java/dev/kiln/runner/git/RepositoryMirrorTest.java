package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryMirrorTest {
  @TempDir Path dir;

  @Test
  void pruningKeepsTheNewestAndTheNeededAndACheckoutComesBackWhenUsedAgain() throws Exception {
    GitRepos repos = GitRepos.create(dir.resolve("git"));
    Path home = dir.resolve("home");
    List<String> shas = new ArrayList<>();
    try (RepositoryMirror m = RepositoryMirror.open(repos.remote.toString(), home, GitCredentials.NONE)) {
      for (int i = 0; i < 5; i++) {
        shas.add(repos.commit("c" + i, "version.txt", "v" + i));
        repos.push();
        m.fetch("main");
        m.checkout(shas.get(i));
        Thread.sleep(5); // distinct times of use
      }
      // using the oldest again makes it the newest
      m.checkout(shas.get(0));
      RepositoryMirror.Pruned pruned =
          RepositoryMirror.pruneCheckouts(home, 2, sha -> sha.equals(shas.get(1)));
      assertThat(pruned.deleted()).containsExactlyInAnyOrder(shas.get(2), shas.get(3));
      assertThat(pruned.problems()).isEmpty();
      try (var s = Files.list(home.resolve("worktrees"))) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder(shas.get(0), shas.get(4), shas.get(1));
      }
      Path back = m.checkout(shas.get(2));
      assertThat(Files.readString(back.resolve("version.txt"))).isEqualTo("v2");
    }
    assertThat(RepositoryMirror.pruneCheckouts(dir.resolve("empty-home"), 1, sha -> false).deleted())
        .isEmpty();
  }

  /**
   * Watchers of two branches of one repository share its mirror and poll at the same moment: every
   * fetch and checkout succeeds (JGit refused the second of two concurrent fetches with a lock
   * failure, and that watcher waited a whole interval).
   */
  @Test
  void concurrentFetchesAndCheckoutsIntoOneMirrorAllSucceed() throws Exception {
    GitRepos repos = GitRepos.create(dir.resolve("git"));
    Path home = dir.resolve("home");
    int parallel = 4;
    int rounds = 5;
    List<RepositoryMirror> mirrors = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      for (int i = 0; i < parallel; i++) {
        mirrors.add(RepositoryMirror.open(repos.remote.toString(), home, GitCredentials.NONE));
      }
      for (int round = 0; round < rounds; round++) {
        String sha = repos.commit("c" + round, "version.txt", "v" + round);
        repos.push();
        CyclicBarrier start = new CyclicBarrier(parallel);
        List<Future<Path>> done = new ArrayList<>();
        for (RepositoryMirror m : mirrors) {
          done.add(pool.submit(() -> {
            start.await();
            Optional<String> tip = m.fetch("main");
            assertThat(tip).contains(sha);
            return m.checkout(sha);
          }));
        }
        for (Future<Path> f : done) {
          Path checkout = f.get(60, TimeUnit.SECONDS);
          assertThat(Files.readString(checkout.resolve("version.txt"))).isEqualTo("v" + round);
        }
      }
    } finally {
      pool.shutdownNow();
      mirrors.forEach(RepositoryMirror::close);
    }
  }
}
