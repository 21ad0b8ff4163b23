package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.CommitInfo;
import dev.kiln.lineage.model.EventRecord;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.RunQuery;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher on real repositories: commits are made and pushed with the {@code git} command, runs
 * go through the real orchestrator and process executor into an H2 store.
 */
class GitWatcherTest {
  @TempDir Path dir;
  Path home;
  LineageStore store;
  ProcessExecutor executor;
  GitRepos repos;
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final List<GitWatcher> watchers = new ArrayList<>();

  @BeforeEach
  void open() {
    home = dir.resolve("home");
    store = LineageStore.open(StoreConfig.ofHome(home));
    executor = new ProcessExecutor(Map.of());
    repos = GitRepos.create(dir.resolve("git"));
  }

  @AfterEach
  void close() {
    watchers.forEach(GitWatcher::close);
    executor.close();
    store.close();
  }

  GitWatcher watcher(GitWatcher.Settings settings) {
    GitWatcher w =
        new GitWatcher(
            settings,
            home,
            GitCredentials.NONE,
            store,
            wd ->
                new Orchestrator(
                    store,
                    OrchestratorConfig.of(home, wd).withSlots(2, 0),
                    Map.of(ExecutorKind.PROCESS, executor),
                    Console.SILENT),
            log::add);
    watchers.add(w);
    return w;
  }

  GitWatcher watcher() {
    return watcher(
        GitWatcher.Settings.of(repos.remote.toString(), "main", "ci")
            .withInterval(Duration.ofMillis(200)));
  }

  String output(String runId) {
    StringBuilder sb = new StringBuilder();
    for (ExecutionDetail e : store.runDetail(runId).executions()) {
      for (LogLine l : store.logLines(e.execution().id(), 0, 1000)) {
        sb.append(l.text()).append('\n');
      }
    }
    return sb.toString();
  }

  String failure(String runId) {
    return store.events(runId).stream()
        .filter(e -> "FAIL".equals(e.event()))
        .map(EventRecord::detail)
        .collect(Collectors.joining("\n"));
  }

  @Test
  void twoPushedCommitsGiveExactlyTwoRunsEachWithItsOwnCode() {
    GitWatcher w = watcher();
    assertThat(w.poll()).as("nothing is pushed yet").isEmpty();
    assertThat(w.healthy()).isFalse();

    String first =
        repos.commit(
            "first version\n\nwith a body",
            "valohai.yaml",
            GitRepos.VALOHAI_YAML,
            "version.txt",
            "v1");
    String second = repos.commit("second version", "version.txt", "v2");
    repos.push();
    List<TriggeredRun> runs = w.poll();

    assertThat(runs).extracting(TriggeredRun::sha).containsExactly(first, second);
    assertThat(runs).extracting(TriggeredRun::status).containsOnly(RunStatus.SUCCEEDED);
    assertThat(output(runs.get(0).runId())).contains("code says v1").doesNotContain("v2");
    assertThat(output(runs.get(1).runId())).contains("code says v2").doesNotContain("v1");
    RunRecord run = store.run(runs.get(0).runId());
    assertThat(run.commit())
        .isEqualTo(
            new CommitInfo(
                repos.remote.toAbsolutePath().normalize().toString(),
                "main",
                first,
                "Ada Tester <ada@example.com>",
                "first version\n\nwith a body\n",
                false));
    assertThat(run.sourceFile()).endsWith("valohai.yaml");
    assertThat(w.healthy()).isTrue();

    assertThat(w.poll()).as("nothing new").isEmpty();
    assertThat(watcher().poll()).as("a restarted watcher reads what ran from the store").isEmpty();
    assertThat(store.listRuns(RunQuery.newest().withPipeline("ci")).total()).isEqualTo(2);
  }

  @Test
  void anInvalidValohaiYamlGivesAFailedRunWithLocatedErrorsAndWatchingGoesOn() {
    repos.commit("valid", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.push();
    GitWatcher w = watcher();
    assertThat(w.poll()).extracting(TriggeredRun::status).containsExactly(RunStatus.SUCCEEDED);

    String broken =
        repos.commit(
            "typo", "valohai.yaml", GitRepos.VALOHAI_YAML.replace("    command:", "    commnd:"));
    repos.push();
    List<TriggeredRun> failed = w.poll();
    assertThat(failed).extracting(TriggeredRun::sha).containsExactly(broken);
    assertThat(failed.get(0).status()).isEqualTo(RunStatus.FAILED);
    RunRecord run = store.run(failed.get(0).runId());
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.commit().sha()).isEqualTo(broken);
    assertThat(failure(run.id()))
        .startsWith("commit " + broken.substring(0, 12) + ": valohai.yaml has errors:")
        .contains("\n  valohai.yaml:2:5: error: step \"show\": `command` is required")
        .contains(
            "\n  valohai.yaml:4:5: warning: step \"show\" › commnd: unknown key `commnd`; kept as"
                + " is; did you mean \"command\"?");
    assertThat(w.poll()).as("a failed commit is not tried again").isEmpty();

    String fixed =
        repos.commit("fixed", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v3");
    repos.push();
    List<TriggeredRun> after = w.poll();
    assertThat(after).extracting(TriggeredRun::sha).containsExactly(fixed);
    assertThat(after.get(0).status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(output(after.get(0).runId())).contains("code says v3");
  }

  @Test
  void aForcePushAndADeletedBranchAreLoggedAndWatchingGoesOn() {
    String base = repos.commit("base", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.push();
    GitWatcher w = watcher();
    assertThat(w.poll()).extracting(TriggeredRun::sha).containsExactly(base);
    repos.commit("to be rewritten", "version.txt", "v2");
    repos.push();
    assertThat(w.poll()).hasSize(1);

    GitRepos.git(repos.work, "reset", "-q", "--hard", base);
    String rewritten = repos.commit("rewritten", "version.txt", "v2b");
    GitRepos.git(repos.work, "push", "-q", "--force", "origin", "main");
    List<TriggeredRun> runs = w.poll();
    assertThat(runs).extracting(TriggeredRun::sha).containsExactly(rewritten);
    assertThat(output(runs.get(0).runId())).contains("code says v2b");
    assertThat(log).anyMatch(l -> l.startsWith("branch main was force-pushed: "));

    // A bare repository refuses to delete its HEAD branch unless told otherwise.
    GitRepos.git(repos.remote, "config", "receive.denyDeleteCurrent", "ignore");
    GitRepos.git(repos.work, "push", "-q", "origin", "--delete", "main");
    assertThat(w.poll()).isEmpty();
    assertThat(w.poll()).isEmpty();
    assertThat(w.healthy()).isFalse();
    assertThat(log)
        .filteredOn(l -> l.contains("does not exist"))
        .as("logged once, not on every poll")
        .containsExactly(
            "branch main does not exist in " + w.repoUrl() + " any more (deleted); still watching");

    String again = repos.commit("back again", "version.txt", "v4");
    repos.push();
    runs = w.poll();
    assertThat(runs).extracting(TriggeredRun::sha).containsExactly(again);
    assertThat(output(runs.get(0).runId())).contains("code says v4");
    assertThat(w.healthy()).isTrue();
  }

  @Test
  void latestOnlyRunsTheNewestOfSeveralCommits() {
    repos.commit("one", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.push();
    GitWatcher w =
        watcher(GitWatcher.Settings.of(repos.remote.toString(), "main", "ci").withLatestOnly(true));
    assertThat(w.poll()).hasSize(1);
    repos.commit("two", "version.txt", "v2");
    repos.commit("three", "version.txt", "v3");
    String four = repos.commit("four", "version.txt", "v4");
    repos.push();

    List<TriggeredRun> runs = w.poll();
    assertThat(runs).extracting(TriggeredRun::sha).containsExactly(four);
    assertThat(log)
        .contains(
            "2 older new commit(s) skipped (--latest-only); running " + four.substring(0, 12));
  }

  @Test
  void aNewWatchOfAnExistingBranchRunsItsTipNotItsHistory() {
    repos.commit("one", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.commit("two", "version.txt", "v2");
    String three = repos.commit("three", "version.txt", "v3");
    repos.push();

    List<TriggeredRun> runs = watcher().poll();
    assertThat(runs).extracting(TriggeredRun::sha).containsExactly(three);
  }

  @Test
  void forceRunsTheTipAgainOncePerWatcher() {
    String one = repos.commit("one", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.push();
    assertThat(watcher().poll()).hasSize(1);

    GitWatcher forced =
        watcher(GitWatcher.Settings.of(repos.remote.toString(), "main", "ci").withForce(true));
    assertThat(forced.poll()).extracting(TriggeredRun::sha).containsExactly(one);
    assertThat(forced.poll()).isEmpty();
    assertThat(store.runsOfCommit("ci", forced.repoUrl(), one)).hasSize(2);
  }

  @Test
  void aPushWakesTheWatchLoopAtOnce() throws Exception {
    repos.commit("one", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.push();
    GitWatcher w =
        watcher(
            GitWatcher.Settings.of(repos.remote.toString(), "main", "ci")
                .withInterval(Duration.ofHours(1)));
    List<TriggeredRun> seen = Collections.synchronizedList(new ArrayList<>());
    Thread loop = new Thread(() -> w.watch(seen::add));
    loop.start();
    try {
      waitFor(() -> seen.size() == 1);
      String two = repos.commit("two", "version.txt", "v2");
      repos.push();
      WebhookHandler hooks = new WebhookHandler("s3cret", null, w, log::add);
      byte[] body =
          ("{\"ref\":\"refs/heads/main\",\"after\":\""
                  + two
                  + "\",\"repository\":{\"clone_url\":\"file://"
                  + repos.remote.toAbsolutePath()
                  + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
      WebhookResult r =
          hooks.handle(
              Map.of(
                  "X-GitHub-Event",
                  "push",
                  "X-Hub-Signature-256",
                  WebhookHandler.githubSignature("s3cret", body)),
              body);
      assertThat(r.status()).as(r.message()).isEqualTo(202);
      waitFor(() -> seen.size() == 2);
      assertThat(seen.get(1).sha()).isEqualTo(two);
    } finally {
      w.stop("test over");
      loop.join(20_000);
    }
    assertThat(loop.isAlive()).isFalse();
  }

  @Test
  void backgroundTriggersRouteAPushToTheWatcherOfThatBranch() throws Exception {
    repos.commit("one", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.push();
    GitWatcher mainWatch =
        watcher(
            GitWatcher.Settings.of(repos.remote.toString(), "main", "ci")
                .withInterval(Duration.ofHours(1)));
    GitWatcher devWatch =
        watcher(
            GitWatcher.Settings.of(repos.remote.toString(), "dev", "ci")
                .withInterval(Duration.ofHours(1)));
    watchers.clear(); // closed by GitTriggers
    List<TriggeredRun> seen = Collections.synchronizedList(new ArrayList<>());
    try (GitTriggers triggers = GitTriggers.start(List.of(mainWatch, devWatch), seen::add)) {
      waitFor(() -> seen.size() == 1);
      String two = repos.commit("two", "version.txt", "v2");
      repos.push();
      PushEvent push =
          new PushEvent(
              PushEvent.Provider.GITLAB,
              List.of("file://" + repos.remote.toAbsolutePath()),
              "refs/heads/main",
              two,
              "ada");
      assertThat(triggers.onPush(push)).isTrue();
      waitFor(() -> seen.size() == 2);
      assertThat(seen.get(1).sha()).isEqualTo(two);
      assertThat(
              triggers.onPush(
                  new PushEvent(
                      PushEvent.Provider.GITLAB,
                      List.of("https://example.com/other.git"),
                      "refs/heads/main",
                      two,
                      null)))
          .isFalse();
    }
  }

  @Test
  void oldCheckoutsAreDeletedButThoseOfRunsThatDidNotSucceedStay() throws Exception {
    GitWatcher w =
        watcher(
            GitWatcher.Settings.of(repos.remote.toString(), "main", "ci").withKeepCheckouts(2));
    List<String> shas = new ArrayList<>();
    shas.add(repos.commit("good 1", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1"));
    repos.push();
    assertThat(w.poll()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED));
    String broken =
        repos.commit(
            "broken", "valohai.yaml", GitRepos.VALOHAI_YAML.replace(
                "echo \"code says $(cat /valohai/repository/version.txt)\"", "exit 3"));
    shas.add(broken);
    repos.push();
    assertThat(w.poll()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.FAILED));
    for (int i = 2; i <= 4; i++) {
      shas.add(repos.commit("good " + i, "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v" + i));
      repos.push();
      assertThat(w.poll()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED));
    }

    Path worktrees = home.resolve("worktrees");
    try (var s = java.nio.file.Files.list(worktrees)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("the newest two, and the failed run's (kiln resume needs it)")
          .containsExactlyInAnyOrder(shas.get(4), shas.get(3), broken);
    }
    assertThat(log).filteredOn(l -> l.startsWith("deleted 1 old commit checkout(s)")).hasSize(2);
  }

  @Test
  void afterAFailedFetchTheNextPollComesLongBeforeALongInterval() throws Exception {
    Path later = dir.resolve("later");
    GitWatcher w =
        watcher(
            GitWatcher.Settings.of(later.resolve("remote.git").toString(), "main", "ci")
                .withInterval(Duration.ofHours(1)));
    List<TriggeredRun> seen = Collections.synchronizedList(new ArrayList<>());
    Thread loop = new Thread(() -> w.watch(seen::add));
    loop.start();
    try {
      waitFor(() -> !log.isEmpty() && !w.healthy());
      // the repository appears (the server is back) well within the hour
      GitRepos back = GitRepos.create(later);
      String sha = back.commit("one", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
      back.push();
      waitFor(() -> seen.size() == 1);
      assertThat(seen.get(0).sha()).isEqualTo(sha);
      assertThat(w.healthy()).isTrue();
    } finally {
      w.stop("test over");
      loop.join(20_000);
    }
  }

  @Test
  void aCheckoutThatCannotBeWrittenIsTriedAgainAtTheNextPoll() throws Exception {
    String one = repos.commit("one", "valohai.yaml", GitRepos.VALOHAI_YAML, "version.txt", "v1");
    repos.push();
    java.nio.file.Files.createDirectories(home);
    java.nio.file.Files.writeString(home.resolve("worktrees"), "a file where a folder should be");
    GitWatcher w = watcher();

    assertThat(w.poll()).isEmpty();
    assertThat(w.healthy()).isFalse();
    assertThat(log)
        .anyMatch(l -> l.startsWith("cannot check out " + one) && l.endsWith("(will try again)"));
    assertThat(store.listRuns(RunQuery.newest()).total()).isZero();

    java.nio.file.Files.delete(home.resolve("worktrees"));
    assertThat(w.poll()).extracting(TriggeredRun::sha).containsExactly(one);
  }

  @Test
  void anUnreachableRepositoryIsLoggedWithoutItsCredentials() {
    GitWatcher w =
        new GitWatcher(
            GitWatcher.Settings.of(
                "https://ada:s3cret-token@127.0.0.1:9/team/app.git", "main", "ci"),
            home,
            GitCredentials.NONE,
            store,
            wd -> {
              throw new AssertionError("nothing to run");
            },
            log::add);
    watchers.add(w);
    assertThat(w.repoUrl()).isEqualTo("https://127.0.0.1:9/team/app.git");
    assertThat(w.poll()).isEmpty();
    assertThat(w.healthy()).isFalse();
    assertThat(log).anyMatch(l -> l.startsWith("cannot fetch https://127.0.0.1:9/team/app.git"));
    assertThat(String.join("\n", log)).doesNotContain("s3cret").doesNotContain("ada:");
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting");
      }
      Thread.sleep(20);
    }
  }
}
