package dev.kiln.runner.djl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Planner;
import dev.kiln.steps.Detect;
import dev.kiln.steps.Train;
import dev.kiln.steps.Weights;
import dev.kiln.steps.detector.DarknetWeightsWriter;
import dev.kiln.steps.detector.ShapesData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * weights → train → detect through the orchestrator, each DJL step in its own worker JVM, on a
 * tiny synthetic shapes dataset: what the store records (device, executor, metrics, outputs).
 */
class DetectorPipelineTest {
  @TempDir Path dir;

  static Edge edge(String from, String to) {
    String[] a = from.split("\\.", 3);
    String[] b = to.split("\\.", 3);
    return Edge.of(
        new EdgeEnd(a[0], PortKind.fromYamlName(a[1]).orElseThrow(), a[2]),
        new EdgeEnd(b[0], PortKind.fromYamlName(b[1]).orElseThrow(), b[2]));
  }

  static Node node(String name, String step) {
    return new Node.Execution(
        name, step, StepOverride.NONE, OnError.STOP_ALL, EdgeMergeMode.REPLACE, List.of(),
        Map.of());
  }

  static PipelineParameter param(String node, String name, Object value) {
    ParamValue v =
        value instanceof String str
            ? ParamValue.of(str)
            : value instanceof Integer i ? ParamValue.of(i.longValue())
            : ParamValue.of(((Number) value).doubleValue());
    return new PipelineParameter(
        node + "_" + name,
        List.of(new EdgeEnd(node, PortKind.PARAMETER, name)),
        Optional.of(v),
        Optional.empty(),
        Map.of());
  }

  @Test
  void weightsTrainDetectRunInWorkersAndAreRecorded() throws Exception {
    Path data = ShapesData.prepare(dir.resolve("data"), 40, 64, 5);
    DarknetWeightsWriter.writeInitial(
        data.resolve("weights/shapes-tiny.weights"), "shapes-tiny", 3);
    Step prepare =
        Step.command("prepare", "cp -r '" + data + "'/* \"$VH_OUTPUTS_DIR\"/").build();
    Pipeline p =
        new Pipeline(
            "detector",
            List.of(node("prepare", "prepare"), node("weights", Weights.NAME),
                node("train", Train.NAME), node("detect", Detect.NAME)),
            List.of(
                edge("prepare.output.weights/*", "weights.input.weights"),
                edge("prepare.output.train/*", "train.input.train"),
                edge("prepare.output.test/*", "train.input.test"),
                edge("prepare.output.classes/*", "train.input.classes"),
                edge("weights.output.model/*", "train.input.model"),
                edge("train.output.model/*", "detect.input.model"),
                edge("prepare.output.classes/*", "detect.input.classes"),
                edge("prepare.output.test/*", "detect.input.image")),
            List.of(
                param("weights", "cfg", "shapes-tiny"),
                param("weights", "weights_num_classes", 3),
                param("train", "size", 64),
                param("train", "batch_size", 8),
                param("train", "max_steps", 20),
                param("train", "warmup_steps", 5),
                param("train", "train_steps_per_eval", 10),
                param("train", "initial_learning_rate", 0.003),
                param("detect", "size", 64),
                param("detect", "score_threshold", 0.01)),
            false,
            Map.of());
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(dir.resolve("home")));
        Orchestrator orchestrator =
            new Orchestrator(
                store,
                OrchestratorConfig.of(dir.resolve("home"), dir).withSlots(2, 0),
                Map.of(
                    ExecutorKind.PROCESS, new ProcessExecutor(Map.of()),
                    ExecutorKind.DJL,
                        new DjlWorkerExecutor(classpath, List.of("-Xmx1g"), Map::of, 0)),
                Console.SILENT)) {
      var plan =
          Planner.plan(
              Project.of(List.of(prepare, Weights.STEP, Train.STEP, Detect.STEP), List.of(p)),
              p, Map.of(), Map.of());
      RunResult result = orchestrator.run(plan, RunOptions.of("test"));
      RunDetail run = store.runDetail(result.runId(), true);
      assertThat(result.status()).as(describe(store, run)).isEqualTo(RunStatus.SUCCEEDED);

      for (String n : List.of("weights", "train", "detect")) {
        ExecutionDetail e = detail(run, n);
        assertThat(e.execution().executor()).isEqualTo("djl");
        assertThat(e.execution().device()).isEqualTo("cpu");
        assertThat(log(store, e)).contains("device: cpu");
      }
      ExecutionDetail train = detail(run, "train");
      ObjectMapper json = new ObjectMapper();
      List<JsonNode> metrics = new ArrayList<>();
      for (MetadataEntry m : train.metadata()) {
        metrics.add(json.readTree(m.json()));
      }
      List<JsonNode> steps = metrics.stream().filter(m -> m.has("loss")).toList();
      assertThat(steps).extracting(m -> m.get("step").asInt()).containsExactly(10, 20);
      for (JsonNode m : steps) {
        assertThat(m.has("epoch") && m.has("learning_rate") && m.has("images_per_sec")).isTrue();
        assertThat(m.get("images_per_sec").asDouble()).isPositive();
      }
      // the learning rate came from initial_learning_rate: warm-up reaches 0.003 by step 10
      assertThat(steps.get(0).get("learning_rate").asDouble()).isBetween(0.002, 0.0031);
      List<JsonNode> evals = metrics.stream().filter(m -> m.has("AP50")).toList();
      assertThat(evals).extracting(m -> m.get("step").asInt()).containsExactly(10, 20);
      assertThat(evals.get(1).get("AP").asDouble()).isBetween(0.0, 1.0);
      assertThat(train.outputs()).extracting(o -> o.path())
          .contains("model/detector.params", "model/detector.cfg", "model/classes.txt");
      // the weights step's model (128 px) started the 64 px training: every tensor carried over
      assertThat(log(store, train))
          .contains("model input: 3 classes -> 3, kept 32 of 32 parameter tensors");

      ExecutionDetail detect = detail(run, "detect");
      List<String> outs = detect.outputs().stream().map(o -> o.path()).toList();
      long jsons = outs.stream().filter(o -> o.startsWith("detections/") && o.endsWith(".json"))
          .count();
      long pngs = outs.stream().filter(o -> o.startsWith("drawn/") && o.endsWith(".png")).count();
      assertThat(jsons).isPositive().isEqualTo(pngs);
      assertThat(detect.inputs()).anySatisfy(
          in -> assertThat(in.producingExecutionId()).isEqualTo(train.execution().id()));
    }
  }

  private static ExecutionDetail detail(RunDetail run, String node) {
    return run.executions().stream()
        .filter(e -> e.execution().nodeName().equals(node))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> log(LineageStore store, ExecutionDetail e) {
    return store.logLines(e.execution().id(), 0, 10_000).stream().map(LogLine::text).toList();
  }

  private static String describe(LineageStore store, RunDetail run) {
    StringBuilder b = new StringBuilder();
    for (ExecutionDetail e : run.executions()) {
      b.append(e.execution().nodeName()).append(' ').append(e.execution().status()).append(": ")
          .append(e.execution().errorMessage()).append('\n');
      log(store, e).forEach(l -> b.append("  ").append(l).append('\n'));
    }
    return b.toString();
  }
}
