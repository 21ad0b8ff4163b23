package dev.kiln.lineage.web;

import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the run page draws: the run, its nodes (light: no parameters or files) and the edges between
 * them. The store keeps no edges; they are derived from each input's producing execution, which is
 * what the data actually carried, and labelled with the input names and file names.
 *
 * @param finished true when the run can no longer change, so a live view stops polling
 */
public record RunGraph(RunRecord run, List<Node> nodes, List<Edge> edges, boolean finished) {
  public RunGraph {
    Objects.requireNonNull(run, "run");
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * One execution of the run. {@code reused} when its outputs came from an earlier execution;
   * {@code tuning} when it is a task node's tuning job, whose trials the tuning page shows.
   */
  public record Node(
      String executionId,
      String nodeName,
      String stepName,
      ExecutionStatus status,
      boolean reused,
      String reusedFromExecutionId,
      String executor,
      String device,
      int attempt,
      Instant startedAt,
      Instant finishedAt,
      long metadataCount,
      int outputCount,
      String errorMessage,
      boolean tuning) {}

  /**
   * Data that flowed from one node to another: {@code label} lists the inputs of {@code to} fed by
   * {@code from}, as {@code input: file, file}.
   */
  public record Edge(String from, String to, String label) {}

  private static final int MAX_FILES_IN_LABEL = 3;

  /** Builds the graph of a run detail; inputs produced outside the run draw no edge. */
  static RunGraph of(RunDetail detail) {
    return of(detail, Set.of());
  }

  /** As {@link #of(RunDetail)}, marking the executions in {@code tuningJobs} as tuning jobs. */
  static RunGraph of(RunDetail detail, Set<String> tuningJobs) {
    Set<String> inRun = new HashSet<>();
    for (ExecutionDetail e : detail.executions()) {
      inRun.add(e.execution().id());
    }
    List<Node> nodes = new ArrayList<>(detail.executions().size());
    List<Edge> edges = new ArrayList<>();
    for (ExecutionDetail e : detail.executions()) {
      ExecutionRecord x = e.execution();
      nodes.add(
          new Node(
              x.id(),
              x.nodeName(),
              x.stepName(),
              x.status(),
              x.status() == ExecutionStatus.REUSED || e.reusedFromExecutionId() != null,
              e.reusedFromExecutionId(),
              x.executor(),
              x.device(),
              x.attempt(),
              x.startedAt(),
              x.finishedAt(),
              e.metadataCount(),
              e.outputs().size(),
              x.errorMessage(),
              tuningJobs.contains(x.id())));
      // producer -> input name -> file names, in the order recorded
      Map<String, Map<String, List<String>>> byProducer = new LinkedHashMap<>();
      for (InputFile in : e.inputs()) {
        String producer = in.producingExecutionId();
        if (producer == null || !inRun.contains(producer) || producer.equals(x.id())) {
          continue;
        }
        byProducer
            .computeIfAbsent(producer, p -> new LinkedHashMap<>())
            .computeIfAbsent(in.inputName(), n -> new ArrayList<>())
            .add(in.fileName());
      }
      byProducer.forEach((producer, inputs) -> edges.add(new Edge(producer, x.id(), label(inputs))));
    }
    return new RunGraph(detail.run(), nodes, edges, detail.run().status().isFinished());
  }

  private static String label(Map<String, List<String>> inputs) {
    List<String> parts = new ArrayList<>();
    inputs.forEach(
        (name, files) -> {
          List<String> shown = files.subList(0, Math.min(files.size(), MAX_FILES_IN_LABEL));
          String more =
              files.size() > MAX_FILES_IN_LABEL
                  ? " +" + (files.size() - MAX_FILES_IN_LABEL) + " more"
                  : "";
          parts.add(name + ": " + String.join(", ", shown) + more);
        });
    return String.join("; ", parts);
  }
}
