package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        KilnProcess.startSplit(Paths.repo(), env, dir.resolve("show.json"), dir.resolve("show.json.err"), "show", runId, "--json");
    assertThat(show.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String json = Files.readString(dir.resolve("show.json"));
    assertThat(json).contains("\"report\"").contains("report.txt").contains("SUCCEEDED");
    // How was report.txt made? Upstream: report <- words, lines <- write.
    JsonNode detail = new ObjectMapper().readTree(json);
    // Statuses, not the raw text: the run records the checkout's commit message, which may say
    // anything.
    assertThat(detail.get("run").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(detail.get("executions"))
        .allMatch(e -> e.get("execution").get("status").asText().equals("SUCCEEDED"));
    String reportDatum = null;
    String wordsDatum = null;
    for (JsonNode e : detail.get("executions")) {
      String node = e.get("execution").get("nodeName").asText();
      if (node.equals("report")) {
        reportDatum = e.get("outputs").get(0).get("datumId").asText();
      } else if (node.equals("write")) {
        wordsDatum = e.get("outputs").get(0).get("datumId").asText();
      }
    }
    Process up =
        KilnProcess.startSplit(Paths.repo(), env, dir.resolve("up.json"), dir.resolve("up.json.err"), "lineage", reportDatum,
            "--up", "--json");
    assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String upJson = Files.readString(dir.resolve("up.json"));
    assertThat(up.exitValue()).as(upJson).isZero();
    assertThat(upJson).contains("\"report\"").contains("\"words\"").contains("\"lines\"")
        .contains("\"write\"");
    // What used words.txt? Downstream: the two counts and, through them, the report.
    Process down =
        KilnProcess.startSplit(Paths.repo(), env, dir.resolve("down.json"), dir.resolve("down.json.err"), "lineage", wordsDatum,
            "--down", "--json");
    assertThat(down.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String downJson = Files.readString(dir.resolve("down.json"));
    assertThat(downJson).contains("\"words\"").contains("\"lines\"").contains("\"report\"");
  }
}
