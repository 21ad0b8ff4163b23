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
