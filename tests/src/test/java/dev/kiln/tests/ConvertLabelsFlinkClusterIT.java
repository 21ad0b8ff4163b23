package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.steps.synthetic.SyntheticDataset;
import dev.kiln.steps.tfrecord.TfRecordReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kiln exec --step convert-labels --flink-master host:port} against a Flink cluster that
 * this test starts from the Maven artifacts (a {@link MiniCluster} with its REST endpoint, the same
 * JobManager/TaskManager code as a standalone session cluster): the job is submitted over REST with
 * the staged class path, and the store records the step's outputs and counts.
 */
class ConvertLabelsFlinkClusterIT {
  @TempDir Path dir;

  @Test
  void execRunsConvertLabelsOnAFlinkClusterGivenByHostAndPort() throws Exception {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SyntheticDataset.Options.of(24, 48, 9, data));
    Files.writeString(
        data.resolve("train/_annotations.coco.json"),
        broken(data),
        java.nio.charset.StandardCharsets.UTF_8);

    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(RestOptions.ADDRESS, "localhost");
    conf.set(RestOptions.BIND_ADDRESS, "localhost");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    cluster.start();
    try {
      int port = cluster.getRestAddress().get(60, TimeUnit.SECONDS).getPort();
      Path home = dir.resolve("home");
      Path out = dir.resolve("exec.out");
      Path err = dir.resolve("exec.err");
      Process p =
          KilnProcess.startSplit(
              dir,
              Map.of("KILN_HOME", home.toString(), "KILN_BEAM_PARALLELISM", "2"),
              out,
              err,
              "exec",
              "--step",
              "convert-labels",
              "--flink-master",
              "localhost:" + port,
              "--input",
              "labels=" + data,
              "--param",
              "shards=2");
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        KilnProcess.killTree(p);
        throw new AssertionError(
            "kiln exec did not finish in 5 minutes:\n" + Files.readString(err));
      }
      String log = Files.readString(err);
      assertThat(p.exitValue()).as(log).isZero();
      assertThat(log).contains("--flinkMaster=localhost:" + port).contains("records: 24/24");
      String runId = Files.readString(out).strip();

      assertThat(cluster.listJobs().get(10, TimeUnit.SECONDS))
          .singleElement()
          .satisfies(j -> assertThat(j.getJobName()).startsWith("convert-labels-"));

      try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home))) {
        ExecutionDetail e = store.runDetail(runId, true).node("convert-labels").orElseThrow();
        List<String> outputs = e.outputs().stream().map(OutputFile::path).toList();
        assertThat(outputs)
            .contains(
                "classes.txt",
                "rejected.jsonl",
                "train/train-00000-of-00002.tfrecord",
                "train/train-00001-of-00002.tfrecord",
                "test/test-00000-of-00002.tfrecord",
                "test/test-00001-of-00002.tfrecord");
        JsonNode m = null;
        for (MetadataEntry entry : e.metadata()) {
          JsonNode n = new ObjectMapper().readTree(entry.json());
          if (n.has("records_written")) {
            m = n;
          }
        }
        assertThat(m).as("metrics of %s", e.metadata()).isNotNull();
        assertThat(m.path("images_read").asLong()).isEqualTo(24);
        assertThat(m.path("rejected").asLong()).isEqualTo(1);
        assertThat(m.path("rejections_by_reason").path("unknown-class").asLong()).isEqualTo(1);
        assertThat(m.path("records_written").asLong()).isEqualTo(24);
        assertThat(m.path("shards_written").asInt()).isEqualTo(4);

        Path outputsDir = store.config().kilnHome();
        long records = 0;
        for (String shard : outputs.stream().filter(o -> o.endsWith(".tfrecord")).toList()) {
          Path f = findOutput(outputsDir, e.execution().id(), shard);
          records += TfRecordReader.readAll(f).size(); // checks every CRC
        }
        assertThat(records).isEqualTo(24);
      }
    } finally {
      cluster.close();
    }
  }

  /** The generated COCO file with one extra annotation of a class it does not declare. */
  private static String broken(Path data) throws java.io.IOException {
    ObjectMapper json = new ObjectMapper();
    var root =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            json.readTree(data.resolve("train/_annotations.coco.json").toFile());
    var ann = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("annotations");
    var extra = ann.get(0).deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) extra).put("id", 99_999);
    ((com.fasterxml.jackson.databind.node.ObjectNode) extra).put("category_id", 77);
    ann.add(extra);
    return json.writeValueAsString(root);
  }

  /** An output file of an execution, wherever the Kiln home keeps execution folders. */
  private static Path findOutput(Path home, String executionId, String relative)
      throws java.io.IOException {
    try (var s = Files.walk(home)) {
      return s.filter(f -> f.toString().endsWith("/outputs/" + relative))
          .filter(f -> f.toString().contains(executionId))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + relative + " under " + home));
    }
  }
}
