package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example the README points to runs as documented. */
class ExamplesIT {
  @TempDir Path dir;

  @Test
  void theHelloPipelineRunsAndShows() throws Exception {
    Map<String, String> env = Map.of("KILN_HOME", dir.resolve("home").toString());
    Path yaml = Paths.repo().resolve("docs/examples/hello/valohai.yaml");
    Process run =
        KilnProcess.start(Paths.repo(), env, dir.resolve("run.log"), "run", "--file",
            yaml.toString(), "--pipeline", "hello", "--param", "write.lines=7");
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("run.log"));
    assertThat(run.exitValue()).as(log).isZero();
    assertThat(log).contains("[report] words 35, lines 7");
    String runId = log.strip().lines().filter(l -> l.matches("[0-9a-f-]{36}")).findFirst().orElseThrow();

    Process show =
        KilnProcess.start(Paths.repo(), env, dir.resolve("show.json"), "show", runId, "--json");
    assertThat(show.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String json = Files.readString(dir.resolve("show.json"));
    assertThat(json).contains("\"report\"").contains("report.txt").contains("SUCCEEDED");
    assertThat(json).doesNotContain("FAILED");
  }
}
