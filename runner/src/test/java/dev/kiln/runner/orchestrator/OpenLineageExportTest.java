package dev.kiln.runner.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.openlineage.OpenLineageExporter;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.plan.Planner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenLineageExportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  private RunResult run(OpenLineageExporter exporter, Pipeline p, Step... steps) {
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(home));
        Orchestrator o =
            new Orchestrator(
                store,
                OrchestratorConfig.of(home, home).withSlots(1, 0),
                Map.of(ExecutorKind.PROCESS, new ProcessExecutor(Map.of())),
                Console.SILENT,
                Optional.of(exporter))) {
      return o.run(
          Planner.plan(Project.of(List.of(steps), List.of(p)), p, Map.of(), Map.of()),
          RunOptions.of("test"));
    }
  }

  private static Pipeline chain(OnError consumeOnError) {
    return new Pipeline(
        "chain",
        List.of(
            Node.Execution.of("produce", "produce"),
            new Node.Execution(
                "consume", "consume", StepOverride.NONE, consumeOnError, EdgeMergeMode.REPLACE,
                List.of(), Map.of())),
        List.of(OrchestratorTest.edge("produce.output.data/*", "consume.input.data")),
        List.of(),
        false,
        Map.of());
  }

  @Test
  void runsAndNodesBecomeEventsWithParentsAndConnectedDatasets() throws Exception {
    Path file = home.resolve("lineage.jsonl");
    RunResult r =
        run(
            OpenLineageExporter.toFile(file, "kiln-test", w -> {}),
            chain(OnError.STOP_ALL),
            OrchestratorTest.PRODUCE,
            OrchestratorTest.CONSUME);
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      events.add(JSON.readTree(line));
    }
    assertThat(events)
        .extracting(e -> e.get("eventType").asText() + " " + e.get("job").get("name").asText())
        .containsExactly(
            "START chain",
            "START chain.produce",
            "COMPLETE chain.produce",
            "START chain.consume",
            "COMPLETE chain.consume",
            "COMPLETE chain");
    JsonNode produced = events.get(2).get("outputs").get(0);
    JsonNode consumed = events.get(4).get("inputs").get(0);
    assertThat(consumed.get("name")).isEqualTo(produced.get("name"));
    assertThat(consumed.get("namespace").asText()).isEqualTo("kiln-artifacts");
    assertThat(produced.get("facets").get("version").get("datasetVersion").asText())
        .isEqualTo(produced.get("name").asText());
    JsonNode parent = events.get(1).get("run").get("facets").get("parent");
    assertThat(parent.get("run").get("runId").asText()).isEqualTo(r.runId());
    assertThat(parent.get("job").get("name").asText()).isEqualTo("chain");
    assertThat(events.get(0).get("job").get("namespace").asText()).isEqualTo("kiln-test");
    assertThat(events.get(0).get("producer").asText()).isEqualTo(OpenLineageExporter.PRODUCER.toString());
  }

  @Test
  void failuresCarryTheirMessageAndAnUnreachableEndpointDoesNotFailTheRun() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/lineage",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(201, -1);
          ex.close();
        });
    server.start();
    try {
      Step failing = Step.command("produce", "echo nope", "exit 4").build();
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      RunResult r =
          run(OpenLineageExporter.toHttp(url, "kiln", w -> {}), chain(OnError.STOP_ALL), failing,
              OrchestratorTest.CONSUME);
      assertThat(r.succeeded()).isFalse();
    } finally {
      server.stop(0);
    }
    List<JsonNode> events = new ArrayList<>();
    for (String b : bodies) {
      events.add(JSON.readTree(b));
    }
    JsonNode fail =
        events.stream()
            .filter(e -> e.get("eventType").asText().equals("FAIL"))
            .filter(e -> e.get("job").get("name").asText().equals("chain.produce"))
            .findFirst()
            .orElseThrow();
    assertThat(fail.get("run").get("facets").get("errorMessage").get("message").asText())
        .contains("exited with 4");
    assertThat(events.get(events.size() - 1).get("eventType").asText()).isEqualTo("FAIL");

    // Nobody listening: the run still succeeds, and the warning is given once.
    List<String> warnings = new CopyOnWriteArrayList<>();
    RunResult r =
        run(
            OpenLineageExporter.toHttp(URI.create("http://127.0.0.1:1"), "kiln", warnings::add),
            chain(OnError.STOP_ALL),
            OrchestratorTest.PRODUCE,
            OrchestratorTest.CONSUME);
    assertThat(r.succeeded()).isTrue();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).startsWith("OpenLineage export failed");
  }
}
