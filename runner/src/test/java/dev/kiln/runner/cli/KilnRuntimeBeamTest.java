package dev.kiln.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import dev.kiln.steps.ConvertLabels;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert-labels through the orchestrator as {@code kiln run} builds it: two Beam nodes share one
 * embedded Flink, progress reaches the console with the node's name, and the store records the
 * outputs and the metadata counts.
 */
class KilnRuntimeBeamTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void twoBeamStepsShareOneEmbeddedFlinkAndTheStoreHasTheirOutputsAndCounts() throws Exception {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SyntheticDataset.Options.of(20, 48, 5, data));
    Path victim;
    try (Stream<Path> s = Files.list(data.resolve("train"))) {
      victim = s.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow();
    }
    Files.delete(victim); // one image-missing rejection

    Pipeline p =
        new Pipeline(
            "two-converts",
            List.of(
                Node.Execution.of("convert-a", ConvertLabels.NAME),
                Node.Execution.of("convert-b", ConvertLabels.NAME)),
            List.of(),
            List.of(),
            false,
            Map.of());
    Project project = Project.of(List.of(ConvertLabels.STEP), List.of(p));
    Map<String, List<String>> params = Map.of("convert-b.shards", List.of("1"));
    Map<String, List<String>> inputs =
        Map.of(
            "convert-a.labels", List.of(data.toString()),
            "convert-b.labels", List.of(data.toString()));
    Plan plan = Planner.plan(project, p, params, inputs);

    List<String> lines = new CopyOnWriteArrayList<>();
    Console console =
        new Console() {
          @Override
          public void stepLine(String node, boolean stderr, String text) {
            lines.add(node + ": " + text);
          }

          @Override
          public void status(String text) {}
        };
    Map<String, String> env =
        Map.of(
            "KILN_HOME", dir.resolve("home").toString(),
            "KILN_BEAM_RUNNER", "flink",
            "KILN_BEAM_PARALLELISM", "2");
    RunResult result;
    RunDetail run;
    try (KilnRuntime runtime = KilnRuntime.open(console, 1, BeamOptions.none(), env, dir)) {
      result =
          runtime.orchestrator.run(
              plan, RunOptions.of("test").withParams(params).withInputs(inputs));
      assertThat(runtime.beam.clusterStarts()).isEqualTo(1);
      run = runtime.store.runDetail(result.runId(), true);
    }
    assertThat(result.succeeded())
        .as("%s\n%s", result.summary(), String.join("\n", lines))
        .isTrue();
    assertThat(lines)
        .anyMatch(l -> l.startsWith("convert-a: records: ") && l.endsWith("/20"))
        .anyMatch(l -> l.startsWith("convert-b: records: 20/20"))
        .anyMatch(
            l -> l.startsWith("convert-b: convert-labels: Beam arguments --runner=FlinkRunner"));

    for (String node : List.of("convert-a", "convert-b")) {
      ExecutionDetail e = run.node(node).orElseThrow();
      int shards = node.equals("convert-a") ? 4 : 1;
      assertThat(e.execution().executor()).isEqualTo("beam");
      List<String> outputs = e.outputs().stream().map(OutputFile::path).toList();
      assertThat(outputs)
          .contains(
              "classes.txt",
              "rejected.jsonl",
              String.format("train/train-00000-of-%05d.tfrecord", shards),
              String.format("test/test-%05d-of-%05d.tfrecord", shards - 1, shards));
      JsonNode m = metrics(e.metadata());
      assertThat(m.path("images_read").asLong()).isEqualTo(20);
      assertThat(m.path("records_written").asLong()).isEqualTo(19);
      assertThat(m.path("rejected").asLong()).isEqualTo(1);
      assertThat(m.path("rejections_by_reason").path("image-missing").asLong()).isEqualTo(1);
      assertThat(m.path("shards_written").asInt()).isEqualTo(2 * shards);
      // the folders train/ (16 images, one missing) and test/ (4) are the split
      assertThat(m.path("records_per_split").path("train").asLong()).isEqualTo(15);
      assertThat(m.path("records_per_split").path("test").asLong()).isEqualTo(4);
      assertThat(m.path("objects_per_split_and_class").path("train").size()).isPositive();
    }
  }

  @Test
  void flinkMasterOptionWinsOverTheEnvironmentAndBadValuesAreNamed() {
    BeamOptions o = new BeamOptions();
    o.flinkMaster = "flink.example:8081";
    assertThat(o.settings(Map.of("KILN_FLINK_MASTER", "other:1")).flinkMaster())
        .contains("flink.example:8081");
    o.flinkMaster = "flink.example";
    assertThatThrownBy(() -> o.settings(Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--flink-master \"flink.example\" is not host:port (for example localhost:8081)");
    BeamOptions direct = new BeamOptions();
    direct.runner = "direct";
    assertThat(direct.settings(Map.of("KILN_FLINK_MASTER", "x:1")).flinkMaster()).isEmpty();
    direct.flinkMaster = "x:1";
    assertThatThrownBy(() -> direct.settings(Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessage("--flink-master x:1 needs the flink runner, but the runner is direct");
    BeamOptions bad = new BeamOptions();
    bad.runner = "spark";
    assertThatThrownBy(() -> bad.settings(Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--beam-runner spark or the environment: KILN_BEAM_RUNNER is \"spark\"; expected"
                + " direct or flink");
  }

  /** The metadata entry the step logs at the end (the one with records_written). */
  static JsonNode metrics(List<MetadataEntry> entries) throws Exception {
    for (MetadataEntry e : entries) {
      JsonNode n = JSON.readTree(e.json());
      if (n.has("records_written")) {
        return n;
      }
    }
    throw new AssertionError("no convert-labels metrics in " + entries);
  }
}
