package dev.kiln.runner.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.artifact.S3Storage;
import dev.kiln.lineage.artifact.S3Uri;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.KeepDirectories;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.inputs.S3ProxyServer;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline whose artifacts go to S3 (an in-process S3Proxy): the outputs land in the bucket, a
 * downstream node reads them, and a second machine that shares only the bucket reads them back
 * by datum id, next to an {@code s3://} input, through the same client.
 */
@Timeout(180)
class S3ArtifactsPipelineTest {
  static final S3Uri PREFIX = S3Uri.parse("s3://kiln/artifacts");

  @TempDir Path tmp;
  S3ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    server = new S3ProxyServer(tmp.resolve("s3"), "kiln");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LineageStore storeAt(Path home) {
    return LineageStore.open(StoreConfig.ofHome(home).withS3Artifacts(PREFIX, server.settings()));
  }

  private static Orchestrator orchestrator(LineageStore store, Path home) {
    return new Orchestrator(
        store,
        OrchestratorConfig.of(home, home).withSlots(2, 0),
        Map.of(ExecutorKind.PROCESS, new ProcessExecutor(Map.of())),
        Console.SILENT);
  }

  private static Plan plan(Pipeline p, Step... steps) {
    return Planner.plan(Project.of(List.of(steps), List.of(p)), p, Map.of(), Map.of());
  }

  private static ExecutionDetail detail(RunDetail run, String node) {
    return run.executions().stream()
        .filter(e -> e.execution().nodeName().equals(node))
        .findFirst()
        .orElseThrow();
  }

  private static Node node(String name) {
    return new Node.Execution(
        name, name, StepOverride.NONE, OnError.STOP_ALL, EdgeMergeMode.REPLACE, List.of(),
        Map.of());
  }

  @Test
  void artifactsGoToTheBucketAndComeBackDownstreamAndOnAnotherMachine() throws Exception {
    Path homeA = tmp.resolve("machine-a");
    String greetingDatum;
    try (LineageStore store = storeAt(homeA);
        Orchestrator orchestrator = orchestrator(store, homeA)) {
      Pipeline p =
          new Pipeline(
              "chain",
              List.of(node("produce"), node("consume")),
              List.of(OrchestratorTest.edge("produce.output.data/*", "consume.input.data")),
              List.of(),
              false,
              Map.of());
      RunResult result =
          orchestrator.run(
              plan(p, OrchestratorTest.PRODUCE, OrchestratorTest.CONSUME),
              RunOptions.of("test"));
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);

      RunDetail run = store.runDetail(result.runId(), true);
      ExecutionDetail produce = detail(run, "produce");
      ExecutionDetail consume = detail(run, "consume");
      greetingDatum = produce.outputs().get(0).datumId();
      assertThat(consume.inputs()).singleElement().satisfies(
          in -> assertThat(in.datumId()).isEqualTo(greetingDatum));
      assertThat(store.logLines(consume.execution().id(), 0, 100))
          .extracting(LogLine::text)
          .contains("hello");

      // the bucket holds the output, under its SHA-256, with the bytes the step wrote
      S3Uri object = store.artifacts().s3UriOf(greetingDatum).orElseThrow();
      assertThat(Files.readString(server.fileOf(object))).isEqualTo("hello\n");
      String sha = produce.outputs().get(0).sha256();
      assertThat(object.key())
          .isEqualTo("artifacts/sha256/" + sha.substring(0, 2) + "/" + sha.substring(2));
    }

    // Machine B shares only the bucket: its own KILN_HOME, database and (empty) cache.
    S3Storage uploader = S3Storage.open(server.settings());
    byte[] words = "alpha beta\n".getBytes(StandardCharsets.UTF_8);
    uploader.upload(
        new S3Uri("kiln", "datasets/words.txt"), new ByteArrayInputStream(words), words.length);
    uploader.close();
    Path homeB = tmp.resolve("machine-b");
    Step read =
        Step.command(
                "read",
                "cat $VH_INPUTS_DIR/model/*",
                "cat $VH_INPUTS_DIR/words/words.txt")
            .addInput(
                InputSpec.builder("model")
                    .optDefault(greetingDatum)
                    .optKeepDirectories(KeepDirectories.NONE)
                    .build())
            .addInput(InputSpec.builder("words").optDefault("s3://kiln/datasets/*.txt").build())
            .build();
    try (LineageStore store = storeAt(homeB);
        Orchestrator orchestrator = orchestrator(store, homeB)) {
      assertThat(Files.exists(homeB.resolve("artifacts/sha256"))).isFalse();
      Pipeline p = new Pipeline("read", List.of(node("read")), List.of(), List.of(), false, Map.of());
      RunResult result = orchestrator.run(plan(p, read), RunOptions.of("test"));
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
      ExecutionDetail reader = detail(store.runDetail(result.runId(), true), "read");
      assertThat(reader.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(store.logLines(reader.execution().id(), 0, 100))
          .extracting(LogLine::text)
          .containsSubsequence("hello", "alpha beta");
      assertThat(reader.inputs())
          .extracting(in -> in.uri())
          .containsExactlyInAnyOrder(greetingDatum, "s3://kiln/datasets/words.txt");
      // the datum was downloaded into B's cache and checked
      Path cached = store.artifacts().resolve(greetingDatum);
      assertThat(cached).startsWith(homeB.resolve("artifacts"));
      assertThat(Files.readString(cached)).isEqualTo("hello\n");
    }
  }
}
