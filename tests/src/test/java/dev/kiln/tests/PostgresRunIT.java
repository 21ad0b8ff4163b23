package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln run} and {@code kiln show} with the lineage store on PostgreSQL ({@code KILN_DB_URL}).
 * Runs when {@code KILN_TEST_PG_URL} is set; {@code .ci/run} starts a server and sets it.
 */
class PostgresRunIT {
  @TempDir Path dir;

  @Test
  void runsAndShowsARunRecordedInPostgres() throws Exception {
    String url = System.getenv("KILN_TEST_PG_URL");
    assumeTrue(url != null, "KILN_TEST_PG_URL is not set (.ci/start-postgres.sh sets it)");
    Path yaml =
        Files.writeString(
            dir.resolve("valohai.yaml"),
            """
            - step:
                name: hello
                image: busybox
                command:
                  - echo hello > /valohai/outputs/hello.txt
                  - "echo '{\\"loss\\": 0.5}'"
            """);
    Map<String, String> env = new HashMap<>();
    env.put("KILN_HOME", dir.resolve("home").toString());
    env.put("KILN_DB_URL", url);
    env.put("KILN_DB_USER", System.getenv().getOrDefault("KILN_TEST_PG_USER", "kiln"));
    env.put("KILN_DB_PASSWORD", System.getenv().getOrDefault("KILN_TEST_PG_PASSWORD", "kiln"));
    Process exec =
        KilnProcess.start(dir, env, dir.resolve("exec.log"), "exec", "--file", yaml.toString(),
            "--step", "hello");
    assertThat(exec.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("exec.log"));
    assertThat(exec.exitValue()).as(log).isZero();
    String runId = log.strip().lines().reduce((a, b) -> b).orElseThrow();

    Process show =
        KilnProcess.start(dir, env, dir.resolve("show.json"), "show", runId, "--json");
    assertThat(show.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String json = Files.readString(dir.resolve("show.json"));
    assertThat(show.exitValue()).as(json).isZero();
    assertThat(json).contains(runId).contains("SUCCEEDED").contains("hello.txt").contains("loss");
  }
}
