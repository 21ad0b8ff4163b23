package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.artifact.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shortened {@code kiln demo} (a small dataset, a short training) as a user runs it: a real
 * process, then {@code kiln show} and {@code kiln lineage} on what it recorded.
 */
class DemoIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theTunedDemoDetectsWithTheBestTrialsModel() throws Exception {
    Map<String, String> env = Map.of("KILN_HOME", dir.resolve("home-tuned").toString());
    Process demo =
        KilnProcess.startSplit(
            Paths.repo(), env, dir.resolve("tuned.out"), dir.resolve("tuned.err"),
            "demo", "--tune", "--images", "40", "--image-size", "64", "--train-seconds", "6",
            "--epochs", "2");
    assertThat(demo.waitFor(9, TimeUnit.MINUTES)).as("demo finished").isTrue();
    String err = Files.readString(dir.resolve("tuned.err"));
    assertThat(demo.exitValue()).as(err).isZero();
    String runId = Files.readString(dir.resolve("tuned.out")).strip();
    assertThat(err).contains("kiln demo: best trial ").contains("detect used its model");

    JsonNode run = JSON.readTree(kiln(env, "show", runId, "--json"));
    JsonNode job = run.get("tuningJobs").get(0);
    assertThat(job.get("hyperparameters").get("params").get(0).get("parameterName").asText())
        .isEqualTo("initial_learning_rate");
    assertThat(job.get("trials")).hasSize(6);
    for (JsonNode t : job.get("trials")) {
      assertThat(t.get("state").asText()).isEqualTo("SUCCEEDED");
    }
    String best = job.get("bestTrialExecutionId").asText();
    JsonNode detect = null;
    for (JsonNode e : run.get("executions")) {
      if (e.get("execution").get("nodeName").asText().equals("detect")) {
        detect = e;
      }
    }
    List<String> producers = new ArrayList<>();
    for (JsonNode in : detect.get("inputs")) {
      if (in.get("inputName").asText().equals("model")) {
        producers.add(in.get("producingExecutionId").asText());
      }
    }
    assertThat(producers).isNotEmpty().allMatch(best::equals);
  }

  @Test
  void theShortDemoRunsEveryNodeAndRecordsTheLineage() throws Exception {
    Map<String, String> env = Map.of("KILN_HOME", dir.resolve("home").toString());
    Process demo =
        KilnProcess.startSplit(
            Paths.repo(), env, dir.resolve("demo.out"), dir.resolve("demo.err"),
            // 40 epochs of 120 images (240 steps) decide the training, not the clock: at a high
            // load a 60 s limit cut it short and the AP check failed. 300 s is only a cap.
            "demo", "--images", "120", "--image-size", "96", "--train-seconds", "300",
            "--epochs", "40");
    assertThat(demo.waitFor(9, TimeUnit.MINUTES)).as("demo finished").isTrue();
    String err = Files.readString(dir.resolve("demo.err"));
    assertThat(demo.exitValue()).as(err).isZero();
    String runId = Files.readString(dir.resolve("demo.out")).strip();
    assertThat(runId).matches("[0-9a-f-]{36}");
    assertThat(err).contains("kiln demo: held-out AP").contains("images with the boxes drawn");

    JsonNode run = JSON.readTree(kiln(env, "show", runId, "--json"));
    List<String> nodes = new ArrayList<>();
    JsonNode detect = null;
    JsonNode train = null;
    JsonNode evaluate = null;
    for (JsonNode e : run.get("executions")) {
      String node = e.get("execution").get("nodeName").asText();
      nodes.add(node);
      assertThat(e.get("execution").get("status").asText()).as(node).isEqualTo("SUCCEEDED");
      switch (node) {
        case "detect" -> detect = e;
        case "train" -> train = e;
        case "evaluate" -> evaluate = e;
        default -> { }
      }
    }
    assertThat(nodes).containsExactlyInAnyOrder("convert", "weights", "train", "detect", "evaluate");

    // the run records the commit of the checkout it ran from (the tests run in a Git clone)
    Process head = new ProcessBuilder("git", "rev-parse", "HEAD").directory(Paths.repo().toFile())
        .redirectErrorStream(true).start();
    String headSha = new String(head.getInputStream().readAllBytes()).strip();
    if (head.waitFor() == 0) {
      assertThat(run.toString()).contains(headSha);
    }

    // train recorded its metrics lines
    assertThat(train.get("metadataCount").asLong()).isGreaterThan(0);
    boolean sawLoss = false;
    for (JsonNode e : run.get("executions")) {
      if (e.get("execution").get("nodeName").asText().equals("train")) {
        for (JsonNode m : e.get("metadata")) {
          sawLoss |= m.get("json").has("loss");
        }
      }
    }
    assertThat(sawLoss).as("a train metadata entry with loss").isTrue();

    // evaluate: AP50 above chance (random boxes score ~0)
    JsonNode metrics = evaluate.get("latestMetadata").get("json");
    assertThat(metrics.get("AP50").asDouble()).as(metrics.toString()).isGreaterThan(0.05);

    // a detections file has the documented shape
    JsonNode detOut = null;
    for (JsonNode o : detect.get("outputs")) {
      if (o.get("path").asText().startsWith("detections/")) {
        detOut = o;
        break;
      }
    }
    assertThat(detOut).isNotNull();
    ArtifactStore store = new ArtifactStore(dir.resolve("home/artifacts"));
    store.verify(detOut.get("datumId").asText());
    Path detFile = store.resolve(detOut.get("datumId").asText());
    JsonNode det = JSON.readTree(detFile.toFile());
    assertThat(det.get("key").asText()).isNotBlank();
    int n = det.get("num_detections").asInt();
    assertThat(n).isBetween(0, 100);
    assertThat(det.get("detection_boxes")).hasSize(n);
    assertThat(det.get("detection_classes")).hasSize(n);
    assertThat(det.get("detection_scores")).hasSize(n);
    for (JsonNode b : det.get("detection_boxes")) {
      assertThat(b).hasSize(4);
      assertThat(b.get(0).asDouble()).isBetween(0.0, 1.0);
      assertThat(b.get(2).asDouble()).isGreaterThanOrEqualTo(b.get(0).asDouble());
    }

    // lineage: the detections lead back through train and convert to the dataset's files
    String up = kiln(env, "lineage", detOut.get("datumId").asText(), "--up", "--json");
    assertThat(up).contains("\"detect\"").contains("\"train\"").contains("\"convert\"")
        .contains("\"weights\"").contains("_annotations.coco.json").contains(".jpg");
  }

  private String kiln(Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile(dir, "kiln", ".out");
    Process p = KilnProcess.startSplit(Paths.repo(), env, out, dir.resolve("last.err"), args);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("last.err"))).isZero();
    return Files.readString(out);
  }
}
