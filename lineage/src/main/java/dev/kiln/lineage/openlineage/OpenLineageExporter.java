package dev.kiln.lineage.openlineage;

import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Sends OpenLineage run events: one job per pipeline (the run) and one per node (each execution,
 * with the pipeline run as its parent). Datasets are artifacts, named by content ({@code
 * kiln-artifacts} / SHA-256) with the SHA-256 as their version, so an output and the input that
 * reads it are the same dataset to a lineage tool.
 *
 * <p>Events go to a JSON Lines file or to an HTTP endpoint ({@code POST URL/api/v1/lineage}).
 * Export never fails a run: a failed delivery is reported once through the warning callback.
 */
public final class OpenLineageExporter implements AutoCloseable {
  /** The producer URI every event carries. */
  public static final URI PRODUCER = URI.create("https://github.com/kiln-ml/kiln");

  static final String ARTIFACTS_NAMESPACE = "kiln-artifacts";

  private final OpenLineage ol = new OpenLineage(PRODUCER);
  private final String namespace;
  private final Sink sink;
  private final Consumer<String> warnings;
  private boolean warned;

  private interface Sink {
    void send(String json) throws IOException, InterruptedException;
  }

  private OpenLineageExporter(String namespace, Sink sink, Consumer<String> warnings) {
    this.namespace = namespace;
    this.sink = sink;
    this.warnings = warnings;
  }

  /** Appends events, one JSON object a line, to {@code file}. */
  public static OpenLineageExporter toFile(Path file, String namespace, Consumer<String> warnings) {
    return new OpenLineageExporter(
        namespace,
        json -> {
          Path parent = file.toAbsolutePath().getParent();
          if (parent != null) {
            Files.createDirectories(parent);
          }
          try (Writer w =
              Files.newBufferedWriter(
                  file,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND)) {
            w.write(json);
            w.write('\n');
          }
        },
        warnings);
  }

  /** Posts events to an OpenLineage HTTP endpoint (Marquez and others): {@code URL/api/v1/lineage}. */
  public static OpenLineageExporter toHttp(URI base, String namespace, Consumer<String> warnings) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI endpoint = base.resolve(base.getPath().endsWith("/") ? "api/v1/lineage" : "/api/v1/lineage");
    return new OpenLineageExporter(
        namespace,
        json -> {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(endpoint)
                      .timeout(Duration.ofSeconds(10))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(json))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() / 100 != 2) {
            throw new IOException(endpoint + " answered HTTP " + r.statusCode());
          }
        },
        warnings);
  }

  /**
   * The exporter {@code KILN_OPENLINEAGE_URL} asks for: an {@code http(s)://} URL, or a file path
   * (or {@code file://} URL) for JSON Lines; empty when it is not set. {@code
   * KILN_OPENLINEAGE_NAMESPACE} names the jobs' namespace ({@code kiln} by default).
   */
  public static Optional<OpenLineageExporter> fromEnvironment(
      Map<String, String> env, Path workingDir, Consumer<String> warnings) {
    String target = env.get("KILN_OPENLINEAGE_URL");
    if (target == null || target.isBlank()) {
      return Optional.empty();
    }
    String ns = env.getOrDefault("KILN_OPENLINEAGE_NAMESPACE", "kiln");
    if (target.startsWith("http://") || target.startsWith("https://")) {
      return Optional.of(toHttp(URI.create(target), ns, warnings));
    }
    Path file = target.startsWith("file://") ? Path.of(URI.create(target)) : workingDir.resolve(target);
    return Optional.of(toFile(file, ns, warnings));
  }

  public void runStarted(RunRecord run) {
    emit(OpenLineage.RunEvent.EventType.START, run.startedAt(), runOf(run, null), pipelineJob(run),
        List.of(), List.of());
  }

  public void runFinished(RunRecord run) {
    emit(eventType(run.status()), run.finishedAt(), runOf(run, null), pipelineJob(run), List.of(),
        List.of());
  }

  public void executionStarted(RunRecord run, ExecutionDetail e) {
    emit(OpenLineage.RunEvent.EventType.START, e.execution().startedAt(), executionRun(run, e),
        nodeJob(run, e.execution()), inputs(e), List.of());
  }

  public void executionFinished(RunRecord run, ExecutionDetail e) {
    ExecutionStatus s = e.execution().status();
    OpenLineage.RunEvent.EventType type =
        s == ExecutionStatus.SUCCEEDED || s == ExecutionStatus.REUSED
            ? OpenLineage.RunEvent.EventType.COMPLETE
            : s == ExecutionStatus.STOPPED || s == ExecutionStatus.SKIPPED
                ? OpenLineage.RunEvent.EventType.ABORT
                : OpenLineage.RunEvent.EventType.FAIL;
    emit(type, e.execution().finishedAt(), executionRun(run, e), nodeJob(run, e.execution()),
        inputs(e), outputs(e));
  }

  private static OpenLineage.RunEvent.EventType eventType(RunStatus s) {
    return switch (s) {
      case SUCCEEDED -> OpenLineage.RunEvent.EventType.COMPLETE;
      case STOPPED -> OpenLineage.RunEvent.EventType.ABORT;
      case FAILED -> OpenLineage.RunEvent.EventType.FAIL;
      default -> OpenLineage.RunEvent.EventType.RUNNING;
    };
  }

  private OpenLineage.Job pipelineJob(RunRecord run) {
    return ol.newJobBuilder().namespace(namespace).name(run.pipeline()).build();
  }

  private OpenLineage.Job nodeJob(RunRecord run, ExecutionRecord e) {
    return ol.newJobBuilder().namespace(namespace).name(run.pipeline() + "." + e.nodeName()).build();
  }

  private OpenLineage.Run runOf(RunRecord run, String errorMessage) {
    OpenLineage.RunFacetsBuilder facets = ol.newRunFacetsBuilder();
    if (errorMessage != null) {
      facets.errorMessage(
          ol.newErrorMessageRunFacetBuilder().message(errorMessage).programmingLanguage("shell").build());
    }
    return ol.newRunBuilder().runId(uuid(run.id())).facets(facets.build()).build();
  }

  private OpenLineage.Run executionRun(RunRecord run, ExecutionDetail e) {
    OpenLineage.RunFacetsBuilder facets =
        ol.newRunFacetsBuilder()
            .parent(
                ol.newParentRunFacetBuilder()
                    .run(ol.newParentRunFacetRunBuilder().runId(uuid(run.id())).build())
                    .job(
                        ol.newParentRunFacetJobBuilder()
                            .namespace(namespace)
                            .name(run.pipeline())
                            .build())
                    .build());
    if (e.execution().errorMessage() != null) {
      facets.errorMessage(
          ol.newErrorMessageRunFacetBuilder()
              .message(e.execution().errorMessage())
              .programmingLanguage("shell")
              .build());
    }
    return ol.newRunBuilder().runId(uuid(e.execution().id())).facets(facets.build()).build();
  }

  private List<OpenLineage.InputDataset> inputs(ExecutionDetail e) {
    List<OpenLineage.InputDataset> out = new ArrayList<>();
    for (InputFile in : e.inputs()) {
      if (in.sha256() == null) {
        continue;
      }
      out.add(
          ol.newInputDatasetBuilder()
              .namespace(ARTIFACTS_NAMESPACE)
              .name(in.sha256())
              .facets(
                  ol.newDatasetFacetsBuilder()
                      .version(ol.newDatasetVersionDatasetFacet(in.sha256()))
                      .build())
              .build());
    }
    return out;
  }

  private List<OpenLineage.OutputDataset> outputs(ExecutionDetail e) {
    List<OpenLineage.OutputDataset> out = new ArrayList<>();
    for (OutputFile o : e.outputs()) {
      out.add(
          ol.newOutputDatasetBuilder()
              .namespace(ARTIFACTS_NAMESPACE)
              .name(o.sha256())
              .facets(
                  ol.newDatasetFacetsBuilder()
                      .version(ol.newDatasetVersionDatasetFacet(o.sha256()))
                      .build())
              .build());
    }
    return out;
  }

  private synchronized void emit(
      OpenLineage.RunEvent.EventType type,
      Instant time,
      OpenLineage.Run run,
      OpenLineage.Job job,
      List<OpenLineage.InputDataset> inputs,
      List<OpenLineage.OutputDataset> outputs) {
    OpenLineage.RunEvent event =
        ol.newRunEventBuilder()
            .eventType(type)
            .eventTime(ZonedDateTime.ofInstant(time == null ? Instant.now() : time, ZoneOffset.UTC))
            .run(run)
            .job(job)
            .inputs(inputs)
            .outputs(outputs)
            .build();
    try {
      sink.send(OpenLineageClientUtils.toJson(event));
    } catch (IOException | RuntimeException e) {
      warnOnce("OpenLineage export failed (" + e.getMessage() + "); the run goes on");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void warnOnce(String message) {
    if (!warned) {
      warned = true;
      warnings.accept(message);
    }
  }

  /** Kiln's ids are UUIDs already; anything else maps to a stable name-based UUID. */
  static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {}
}
