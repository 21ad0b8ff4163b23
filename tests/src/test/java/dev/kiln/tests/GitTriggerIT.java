package dev.kiln.tests;

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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git triggers end to end: a real {@code ./kiln watch} process watches a repository that commits
 * are pushed to with the {@code git} command; {@code ./kiln run} in a working copy records its
 * commit.
 */
class GitTriggerIT {
  @TempDir Path dir;

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

  @Test
  void theWatcherRunsEveryPushedCommitOnceAndSurvivesBadPushes() throws Exception {
    Path home = dir.resolve("home");
    Path remote = dir.resolve("remote.git");
    Path work = dir.resolve("work");
    git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
    git(remote, "config", "receive.denyDeleteCurrent", "ignore");
    git(dir, "clone", "-q", remote.toString(), work.toString());
    git(work, "symbolic-ref", "HEAD", "refs/heads/main");
    String c1 = commit(work, "one", "valohai.yaml", VALOHAI_YAML, "version.txt", "v1");
    git(work, "push", "-q", "origin", "main");

    Map<String, String> env =
        Map.of("KILN_HOME", home.toString(), "KILN_WEBHOOK_SECRET", "hook-secret");
    Path out = dir.resolve("watch.out");
    Path err = dir.resolve("watch.err");
    Process watch =
        KilnProcess.startSplit(
            dir,
            env,
            out,
            err,
            "watch",
            "--repo",
            remote.toString(),
            "--branch",
            "main",
            "--pipeline",
            "ci",
            "--interval",
            "300ms",
            "--webhook-port",
            "0");
    List<String> shas = new ArrayList<>(List.of(c1));
    try {
      waitFor(watch, err, () -> runIds(out).size() == 1);

      String c2 = commit(work, "two", "version.txt", "v2");
      String c3 = commit(work, "three", "version.txt", "v3");
      git(work, "push", "-q", "origin", "main");
      shas.addAll(List.of(c2, c3));
      waitFor(watch, err, () -> runIds(out).size() == 3);

      String broken =
          commit(work, "typo", "valohai.yaml", VALOHAI_YAML.replace("    command:", "    commnd:"));
      git(work, "push", "-q", "origin", "main");
      shas.add(broken);
      waitFor(watch, err, () -> runIds(out).size() == 4);

      git(work, "reset", "-q", "--hard", c3);
      String rewritten = commit(work, "rewritten", "version.txt", "v5");
      git(work, "push", "-q", "--force", "origin", "main");
      shas.add(rewritten);
      waitFor(watch, err, () -> runIds(out).size() == 5);
      waitFor(watch, err, () -> read(err).contains("branch main was force-pushed: "));

      git(work, "push", "-q", "origin", "--delete", "main");
      waitFor(watch, err, () -> read(err).contains("branch main does not exist in "));

      int port = webhookPort(watch, err);
      byte[] body =
          "{\"ref\":\"refs/heads/main\",\"after\":\"0\"}".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> refused =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/hooks/git"))
                      .header("X-GitHub-Event", "push")
                      .header("X-Hub-Signature-256", "sha256=" + "0".repeat(64))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      waitFor(
          watch,
          err,
          () -> read(err).contains("webhook 401: webhook refused: bad X-Hub-Signature-256"));

      String back = commit(work, "back", "version.txt", "v6");
      git(work, "push", "-q", "origin", "main");
      shas.add(back);
      waitFor(watch, err, () -> runIds(out).size() == 6);
      assertThat(watch.isAlive()).as(read(err)).isTrue();
    } finally {
      watch.destroy();
      if (!watch.waitFor(30, TimeUnit.SECONDS)) {
        KilnProcess.killTree(watch);
      }
    }

    List<String> ids = runIds(out);
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      assertThat(store.listRuns(RunQuery.newest().withPipeline("ci")).total()).isEqualTo(6);
      List<RunRecord> runs = ids.stream().map(store::run).toList();
      assertThat(runs).extracting(r -> r.commit().sha()).containsExactlyElementsOf(shas);
      assertThat(runs)
          .extracting(RunRecord::status)
          .containsExactly(
              RunStatus.SUCCEEDED,
              RunStatus.SUCCEEDED,
              RunStatus.SUCCEEDED,
              RunStatus.FAILED,
              RunStatus.SUCCEEDED,
              RunStatus.SUCCEEDED);
      List<String> versions = List.of("v1", "v2", "v3", "", "v5", "v6");
      for (int i = 0; i < runs.size(); i++) {
        if (!versions.get(i).isEmpty()) {
          assertThat(output(store, runs.get(i).id()))
              .isEqualTo("code says " + versions.get(i) + "\n");
        }
      }
      CommitInfo first = runs.get(0).commit();
      assertThat(first)
          .isEqualTo(
              new CommitInfo(
                  remote.toAbsolutePath().normalize().toString(),
                  "main",
                  c1,
                  "Ada Tester <ada@example.com>",
                  "one\n",
                  false));
      String failure =
          store.events(runs.get(3).id()).stream()
              .filter(e -> "FAIL".equals(e.event()))
              .map(EventRecord::detail)
              .findFirst()
              .orElseThrow();
      assertThat(failure).contains("valohai.yaml:2:5: error: step \"show\": `command` is required");
    }

    Path showOut = dir.resolve("show.out");
    Process show =
        KilnProcess.startSplit(dir, env, showOut, dir.resolve("show.err"), "show", ids.get(3));
    assertThat(show.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(read(showOut))
        .contains("commit " + shas.get(3) + "  ref main  repository " + remote.toAbsolutePath())
        .contains("author Ada Tester <ada@example.com>")
        .contains("failed: commit " + shas.get(3).substring(0, 12) + ": valohai.yaml has errors:")
        .contains("valohai.yaml:2:5: error: step \"show\": `command` is required");

    // A restarted watcher finds every commit already run.
    Path onceOut = dir.resolve("once.out");
    Process once =
        KilnProcess.startSplit(
            dir,
            env,
            onceOut,
            dir.resolve("once.err"),
            "watch",
            "--repo",
            remote.toString(),
            "--pipeline",
            "ci",
            "--once");
    assertThat(once.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(once.exitValue()).as(read(dir.resolve("once.err"))).isZero();
    assertThat(read(onceOut)).isEmpty();
  }

  @Test
  void kilnRunInAWorkingCopyRecordsItsCommitDirtyFlagAndNoCredentials() throws Exception {
    Path home = dir.resolve("home");
    Path remote = dir.resolve("remote.git");
    Path work = dir.resolve("work");
    git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
    git(dir, "clone", "-q", remote.toString(), work.toString());
    git(work, "symbolic-ref", "HEAD", "refs/heads/main");
    String sha = commit(work, "first", "valohai.yaml", VALOHAI_YAML, "version.txt", "v1");
    git(work, "remote", "set-url", "origin", "https://ada:s3cret-token@example.com/team/app.git");
    Map<String, String> env = Map.of("KILN_HOME", home.toString());

    String clean = run(work, env, "clean");
    Files.writeString(work.resolve("version.txt"), "v1-edited");
    String dirty = run(work, env, "dirty");
    assertThat(read(dir.resolve("dirty.err")))
        .contains(
            "note: the working copy has uncommitted changes; the run records commit "
                + sha.substring(0, 12)
                + " as dirty");

    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      CommitInfo expected =
          new CommitInfo(
              "https://example.com/team/app.git",
              "main",
              sha,
              "Ada Tester <ada@example.com>",
              "first\n",
              false);
      assertThat(store.run(clean).commit()).isEqualTo(expected);
      assertThat(store.run(dirty).commit()).isEqualTo(expected.withDirty(true));
      assertThat(output(store, clean)).isEqualTo("code says v1\n");
      assertThat(output(store, dirty)).isEqualTo("code says v1-edited\n");
    }
    // The token is nowhere in Kiln's home: not in the database, not in a log.
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain("s3cret-token");
      }
    }
  }

  @Test
  void aWatchedRunResumesInItsCommitsCheckout() throws Exception {
    Path home = dir.resolve("home");
    Path remote = dir.resolve("remote.git");
    Path work = dir.resolve("work");
    Path marker = dir.resolve("marker");
    git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
    git(dir, "clone", "-q", remote.toString(), work.toString());
    git(work, "symbolic-ref", "HEAD", "refs/heads/main");
    String yaml =
        VALOHAI_YAML.replace(
            "      - echo \"code says $(cat /valohai/repository/version.txt)\"\n",
            "      - echo \"code says $(cat /valohai/repository/version.txt)\"\n      - test -e "
                + marker
                + "\n");
    assertThat(yaml).contains("test -e");
    String sha = commit(work, "needs a marker", "valohai.yaml", yaml, "version.txt", "v1");
    git(work, "push", "-q", "origin", "main");
    Map<String, String> env = Map.of("KILN_HOME", home.toString());

    Path out = dir.resolve("once.out");
    Process once =
        KilnProcess.startSplit(
            dir,
            env,
            out,
            dir.resolve("once.err"),
            "watch",
            "--repo",
            remote.toString(),
            "--pipeline",
            "ci",
            "--once");
    assertThat(once.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(once.exitValue()).as(read(dir.resolve("once.err"))).isEqualTo(1);
    String runId = runIds(out).get(0);

    Files.writeString(marker, "");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Process resume =
        KilnProcess.startSplit(
            elsewhere, env, dir.resolve("resume.out"), dir.resolve("resume.err"), "resume", runId);
    assertThat(resume.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(resume.exitValue()).as(read(dir.resolve("resume.err"))).isZero();
    assertThat(read(dir.resolve("resume.err")))
        .contains("kiln: resuming in the checkout of commit " + sha);
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      assertThat(store.run(runId).status()).isEqualTo(RunStatus.SUCCEEDED);
      // Both attempts read the commit's version.txt, the resumed one from "elsewhere".
      assertThat(output(store, runId))
          .isEqualTo("code says v1\n[kiln] exited with 1\ncode says v1\n");
    }
  }

  @Test
  void kilnServeWatchesAndTakesSignedPushes() throws Exception {
    Path home = dir.resolve("home");
    Path remote = dir.resolve("remote.git");
    Path work = dir.resolve("work");
    git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
    git(dir, "clone", "-q", remote.toString(), work.toString());
    git(work, "symbolic-ref", "HEAD", "refs/heads/main");
    commit(work, "one", "valohai.yaml", VALOHAI_YAML, "version.txt", "v1");
    git(work, "push", "-q", "origin", "main");
    Map<String, String> env =
        Map.of("KILN_HOME", home.toString(), "KILN_WEBHOOK_SECRET", "hook-secret");
    Path out = dir.resolve("serve.out");
    Path err = dir.resolve("serve.err");
    // An hour between polls: only the first poll and the webhook make runs.
    Process serve =
        KilnProcess.startSplit(
            dir,
            env,
            out,
            err,
            "serve",
            "--port",
            "0",
            "--watch",
            "ci=" + remote + "#main",
            "--watch-interval",
            "1h");
    try {
      waitFor(serve, err, () -> read(out).contains("Git webhook: POST http://"));
      Matcher m = Pattern.compile("Git webhook: POST (\\S+)").matcher(read(out));
      assertThat(m.find()).isTrue();
      URI hookUri = URI.create(m.group(1));
      waitFor(serve, err, () -> read(err).contains(": SUCCEEDED"));

      String two = commit(work, "two", "version.txt", "v2");
      git(work, "push", "-q", "origin", "main");
      byte[] body =
          ("{\"ref\":\"refs/heads/main\",\"after\":\""
                  + two
                  + "\",\"repository\":{\"clone_url\":\""
                  + remote.toUri()
                  + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> forged =
          http.send(
              HttpRequest.newBuilder(hookUri)
                  .header("X-GitHub-Event", "push")
                  .header("X-Hub-Signature-256", sign("guessed", body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(forged.statusCode()).isEqualTo(401);
      HttpResponse<String> signed =
          http.send(
              HttpRequest.newBuilder(hookUri)
                  .header("X-GitHub-Event", "push")
                  .header("X-Hub-Signature-256", sign("hook-secret", body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
      waitFor(
          serve,
          err,
          () -> read(err).contains("of commit " + two.substring(0, 12) + ": SUCCEEDED"));
    } finally {
      serve.destroy();
      if (!serve.waitFor(30, TimeUnit.SECONDS)) {
        KilnProcess.killTree(serve);
      }
    }
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
      List<RunRecord> runs = store.listRuns(RunQuery.newest().withPipeline("ci")).items();
      assertThat(runs).hasSize(2);
      assertThat(output(store, runs.get(0).id())).isEqualTo("code says v2\n");
    }
  }

  static String sign(String secret, byte[] body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(
        new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }

  private String run(Path work, Map<String, String> env, String name) throws Exception {
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p =
        KilnProcess.startSplit(
            work, env, out, err, "run", "--file", "valohai.yaml", "--pipeline", "ci");
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(read(err)).isZero();
    return read(out).strip();
  }

  static String output(LineageStore store, String runId) {
    StringBuilder sb = new StringBuilder();
    for (ExecutionDetail e : store.runDetail(runId).executions()) {
      for (LogLine l : store.logLines(e.execution().id(), 0, 1000)) {
        sb.append(l.text()).append('\n');
      }
    }
    return sb.toString();
  }

  static List<String> runIds(Path out) {
    return read(out).lines().filter(l -> l.matches("[0-9a-f-]{36}")).toList();
  }

  static int webhookPort(Process watch, Path err) throws InterruptedException {
    Pattern p = Pattern.compile("webhook: listening on http://localhost:(\\d+)/api/hooks/git");
    waitFor(watch, err, () -> p.matcher(read(err)).find());
    Matcher m = p.matcher(read(err));
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  static void waitFor(Process p, Path err, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(p.isAlive()).as("kiln watch ended:%n%s", read(err)).isTrue();
      assertThat(System.nanoTime())
          .as("timed out; kiln watch said:%n%s", read(err))
          .isLessThan(end);
      Thread.sleep(50);
    }
  }

  static String read(Path f) {
    try {
      return Files.exists(f) ? Files.readString(f) : "";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String commit(Path work, String message, String... namesAndTexts) throws IOException {
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      Files.writeString(work.resolve(namesAndTexts[i]), namesAndTexts[i + 1]);
    }
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", message);
    return git(work, "rev-parse", "HEAD").strip();
  }

  static String git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "GIT_AUTHOR_NAME",
                "Ada Tester",
                "GIT_AUTHOR_EMAIL",
                "ada@example.com",
                "GIT_COMMITTER_NAME",
                "Ada Tester",
                "GIT_COMMITTER_EMAIL",
                "ada@example.com",
                "GIT_CONFIG_NOSYSTEM",
                "1",
                "HOME",
                dir.toAbsolutePath().toString()));
    try {
      Process p = pb.start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("git %s:%n%s", cmd, text).isZero();
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
