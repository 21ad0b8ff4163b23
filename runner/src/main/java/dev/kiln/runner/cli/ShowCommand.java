package dev.kiln.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.NotFoundException;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.runner.tuning.TuningReport;
import dev.kiln.runner.tuning.TuningSpecJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln show RUN_ID [--json]}. */
@Command(
    name = "show",
    description =
        "Show a run: its nodes with status, times, executor and device, parameters, inputs (with"
            + " the execution that produced them), outputs, metadata and commit.")
final class ShowCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN_ID")
  String runId;

  @Option(names = "--json", description = "the whole record as JSON, every metadata entry included")
  boolean json;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    try (LineageStore store = KilnRuntime.openStore()) {
      RunDetail d;
      try {
        d = store.runDetail(runId, json);
      } catch (NotFoundException e) {
        throw new UserException("no run " + runId + " in this Kiln home");
      }
      if (json) {
        String text = d.toJson();
        List<TuningReport> jobs = tuningJobs(store, d);
        if (!jobs.isEmpty()) {
          try {
            var mapper = new ObjectMapper();
            var node = (ObjectNode) mapper.readTree(text);
            var array = node.putArray("tuningJobs");
            for (var j : jobs) {
              array.add(j.toJson());
            }
            text = node.toString();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
        out.println(text);
        return 0;
      }
      var run = d.run();
      out.printf("run %s  pipeline %s  %s%n", run.id(), run.pipeline(), run.status());
      if (run.commit() != null) {
        var c = run.commit();
        out.printf(
            "commit %s%s%s%s%n",
            c.sha() == null ? "(unknown)" : c.sha(),
            c.dirty() ? " (dirty: uncommitted changes)" : "",
            c.ref() == null ? "" : "  ref " + c.ref(),
            c.repoUrl() == null ? "" : "  repository " + c.repoUrl());
        if (c.author() != null) {
          out.printf("author %s%n", c.author());
        }
        if (c.message() != null) {
          out.printf("message %s%n", c.message().lines().findFirst().orElse("").strip());
        }
      }
      if (run.status() == RunStatus.FAILED && d.executions().isEmpty()) {
        // A run that failed before any node existed (a commit whose valohai.yaml does not load):
        // the reason is in the audit log.
        store.events(run.id()).stream()
            .filter(e -> e.executionId() == null && e.detail() != null)
            .reduce((a, b) -> b)
            .ifPresent(e -> out.printf("failed: %s%n", e.detail()));
      }
      out.printf("%-20s %-10s %-8s %-8s %9s %7s %7s%n", "NODE", "STATUS", "EXECUTOR", "DEVICE",
          "TIME", "OUTPUTS", "METRICS");
      for (ExecutionDetail e : d.executions()) {
        var x = e.execution();
        String time =
            x.startedAt() != null && x.finishedAt() != null
                ? String.format("%.1fs", Duration.between(x.startedAt(), x.finishedAt()).toMillis() / 1000.0)
                : "";
        out.printf("%-20s %-10s %-8s %-8s %9s %7d %7d%n", x.nodeName(), x.status(),
            x.executor() == null ? "" : x.executor(), x.device() == null ? "" : x.device(), time,
            e.outputs().size(), e.metadataCount());
        if (x.errorMessage() != null) {
          out.printf("  error: %s%n", x.errorMessage());
        }
        TuningReport.of(store, x.id()).ifPresent(r -> printTrials(out, r));
      }
      return 0;
    }
  }

  private static List<TuningReport> tuningJobs(LineageStore store, RunDetail d) {
    List<TuningReport> out = new ArrayList<>();
    for (ExecutionDetail e : d.executions()) {
      TuningReport.of(store, e.execution().id()).ifPresent(out::add);
    }
    return out;
  }

  /** The trials of a task node, under it: parameters, status, metric, and which one is best. */
  private static void printTrials(PrintWriter out, TuningReport r) {
    var spec = r.spec();
    out.printf(
        "  tuning %s (%s), %s, %d trials, %d at a time%n",
        spec.metric(), spec.goal(), TuningSpecJson.algorithmName(spec.algorithm()),
        spec.maxTrials(), spec.maxParallelTrials());
    List<String> names = spec.parameters().stream().map(p -> p.name()).toList();
    StringBuilder head = new StringBuilder(String.format("  %-6s %-14s %12s", "TRIAL", "STATUS", spec.metric()));
    names.forEach(n -> head.append(String.format("  %-14s", n)));
    head.append("  EXECUTION");
    out.println(head);
    for (var t : r.trials()) {
      boolean best = r.bestTrial().map(b -> b.equals(t.executionId())).orElse(false);
      StringBuilder row =
          new StringBuilder(
              String.format(
                  "  %-6s %-14s %12s",
                  (best ? "*" : " ") + t.trial(), t.status(),
                  t.metric().isPresent() ? String.format(Locale.ROOT, "%.6g", t.metric().getAsDouble()) : "-"));
      names.forEach(n -> row.append(String.format("  %-14s", t.parameters().getOrDefault(n, "-"))));
      row.append("  ").append(t.executionId());
      out.println(row);
      if (t.error() != null && !t.status().equals("SUCCEEDED")) {
        out.printf("         %s%n", t.error());
      }
    }
    r.bestTrial()
        .flatMap(b -> r.trials().stream().filter(t -> t.executionId().equals(b)).findFirst())
        .ifPresent(
            b ->
                out.printf(
                    "  best: trial %d (%s=%s) %s; the node's outputs are its outputs%n",
                    b.trial(), spec.metric(),
                    b.metric().isPresent() ? String.format(Locale.ROOT, "%.6g", b.metric().getAsDouble()) : "-",
                    b.parameters()));
  }
}
