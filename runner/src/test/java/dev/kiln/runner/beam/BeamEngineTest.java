package dev.kiln.runner.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.runner.exec.ExecutionDirectory;
import dev.kiln.runner.executor.ExecutionListener;
import dev.kiln.runner.executor.ExecutionRequest;
import dev.kiln.runner.executor.ExecutionResult;
import dev.kiln.runner.executor.InProcessJavaExecutor;
import dev.kiln.runner.process.OutputLine;
import dev.kiln.steps.ConvertLabels;
import dev.kiln.steps.labels.ConvertOptions;
import dev.kiln.steps.labels.PlainConverter;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert-labels through the beam executor on each runner, against the plain converter's bytes on
 * the same synthetic COCO dataset.
 */
class BeamEngineTest {
  static final int SHARDS = 2;

  @TempDir static Path shared;
  static Path data;
  static Map<String, String> plain;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() throws IOException {
    data = shared.resolve("data");
    SyntheticDataset.generate(SyntheticDataset.Options.of(40, 48, 11, data));
    Path out = shared.resolve("plain");
    PlainConverter.convert(
        ConvertOptions.builder().setInput(data).setOutputDir(out).optShards(SHARDS).build());
    plain = records(out);
  }

  /** The shard files, classes.txt and rejected.jsonl, name → bytes as hex of a hash. */
  static Map<String, String> records(Path out) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String n = out.relativize(p).toString();
        if (!n.equals(PlainConverter.STATS_FILE)) {
          m.put(
              n,
              com.google.common.hash.Hashing.sha256().hashBytes(Files.readAllBytes(p)).toString());
        }
      }
    }
    return m;
  }

  /** Runs the convert-labels step through the beam executor of an engine. */
  ExecutionResult runStep(BeamEngine engine, String name, List<String> log) throws Exception {
    ExecutionDirectory exec = ExecutionDirectory.create(dir.resolve(name));
    copy(data, exec.inputDir("labels"));
    Map<String, ParamValue> params = new HashMap<>();
    for (ParameterSpec p : ConvertLabels.STEP.parameters()) {
      p.defaultValue().ifPresent(v -> params.put(p.name(), v));
    }
    params.put("shards", ParamValue.of(SHARDS));
    var executor =
        new InProcessJavaExecutor(
            ExecutorKind.BEAM, getClass().getClassLoader(), engine::engineOptions);
    ExecutionResult r =
        executor.execute(
            new ExecutionRequest("run-1", name, "convert", ConvertLabels.STEP, params, exec, dir),
            new ExecutionListener() {
              @Override
              public void line(OutputLine line) {
                log.add(line.text());
              }

              @Override
              public void metadata(ObjectNode entry) {
                log.add("metadata " + entry);
              }
            });
    assertThat(r.succeeded()).as("%s: %s\n%s", name, r.detail(), String.join("\n", log)).isTrue();
    assertThat(records(exec.outputsDir())).isEqualTo(plain);
    return r;
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  @Test
  void directRunnerWritesThePlainConvertersBytes() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    try (BeamEngine engine = new BeamEngine(BeamSettings.direct(2))) {
      runStep(engine, "direct", log);
    }
    assertThat(log).anyMatch(l -> l.contains("\"records_written\":40"));
  }

  @Test
  void embeddedFlinkStartsOnceForTwoConsecutiveSteps() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    try (BeamEngine engine = new BeamEngine(BeamSettings.embeddedFlink(2))) {
      assertThat(engine.clusterStarts()).isZero();
      runStep(engine, "flink-1", log);
      URI first = engine.embeddedRestAddress().orElseThrow();
      runStep(engine, "flink-2", log);
      assertThat(engine.clusterStarts()).isEqualTo(1);
      assertThat(engine.embeddedRestAddress()).contains(first);
      assertThat(log)
          .filteredOn(l -> l.startsWith("convert-labels: Beam arguments"))
          .hasSize(2)
          .allMatch(l -> l.contains("--flinkMaster=[auto] "));
    }
  }

  @Test
  void twoEmbeddedFlinksInOneJvmEachRunTheJobsOfTheirOwnSteps() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    try (BeamEngine first = new BeamEngine(BeamSettings.embeddedFlink(2));
        BeamEngine second = new BeamEngine(BeamSettings.embeddedFlink(2))) {
      runStep(first, "first-1", log);
      runStep(second, "second-1", log);
      runStep(first, "first-2", log);
      assertThat(jobsOf(first)).hasSize(2);
      assertThat(jobsOf(second)).hasSize(1);
    }
    // with both stopped, Flink may reach a cluster by its address again (next test) and a new
    // engine works as the first did
    try (BeamEngine again = new BeamEngine(BeamSettings.embeddedFlink(2))) {
      runStep(again, "again", log);
      assertThat(jobsOf(again)).hasSize(1);
    }
  }

  /** The jobs an engine's embedded Flink ran, through its REST API as a user would see them. */
  private static List<String> jobsOf(BeamEngine engine) throws Exception {
    URI rest = engine.embeddedRestAddress().orElseThrow();
    var client = java.net.http.HttpClient.newHttpClient();
    String body =
        client
            .send(
                java.net.http.HttpRequest.newBuilder(rest.resolve("/jobs/overview")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    List<String> names = new java.util.ArrayList<>();
    for (var job : new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("jobs")) {
      assertThat(job.get("state").asText()).isEqualTo("FINISHED");
      names.add(job.get("name").asText());
    }
    return names;
  }

  @Test
  void aSeparatelyStartedFlinkClusterIsUsedByItsAddress() throws Exception {
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
      BeamSettings settings =
          BeamSettings.fromEnvironment(
              Map.of("KILN_FLINK_MASTER", "localhost:" + port, "KILN_BEAM_PARALLELISM", "2"));
      List<String> log = new CopyOnWriteArrayList<>();
      try (BeamEngine engine = new BeamEngine(settings)) {
        runStep(engine, "cluster", log);
        assertThat(engine.clusterStarts()).isZero();
      }
      assertThat(cluster.listJobs().get(10, TimeUnit.SECONDS))
          .singleElement()
          .satisfies(j -> assertThat(j.getJobName()).startsWith("convert-labels-"));
    } finally {
      cluster.close();
    }
  }
}
