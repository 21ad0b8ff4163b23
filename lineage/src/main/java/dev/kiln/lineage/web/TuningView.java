package dev.kiln.lineage.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.JsonSupport;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.ParameterValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the tuning page draws for one task execution: the spec it searches (AI Platform's {@code
 * hyperparameters} shape, as stored), every trial with its parameters, metric and intermediate
 * curve, the best trial and the best value so far after each trial. The store keeps only the
 * metadata lines a trial printed; the metric is read from them here, the way the tuning job reads
 * it ({@code hyperparameterMetricTag}, its last value or, with {@code "Kiln:metricValue": "BEST"},
 * its best one).
 *
 * @param bestTrial the trial execution the store recorded as best; until one is recorded, the best
 *     of the finished trials by their metric (null when none has one)
 * @param bestSoFar {@code [trial, best metric of the trials up to it]}, one pair per counted trial
 *     (succeeded, reused or stopped early, with a metric)
 * @param finished true when the task execution can no longer change, so a live page stops polling
 */
public record TuningView(
    String executionId,
    String runId,
    String nodeName,
    ExecutionStatus status,
    boolean finished,
    JsonNode spec,
    String metric,
    String goal,
    String metricValue,
    List<Trial> trials,
    String bestTrial,
    List<double[]> bestSoFar) {
  public TuningView {
    Objects.requireNonNull(executionId, "executionId");
    trials = List.copyOf(trials);
    bestSoFar = List.copyOf(bestSoFar);
  }

  /**
   * One trial. {@code metric} is null while it has printed no value of the metric tag; {@code
   * curve} holds {@code [x, value]} for every value it printed, x being the entry's {@code step},
   * else its {@code epoch}, else its position among the values (from 0). {@code durationSeconds}
   * runs to now while the trial runs and is null before it starts.
   */
  public record Trial(
      int trial,
      String executionId,
      ExecutionStatus status,
      Map<String, JsonNode> parameters,
      Double metric,
      List<double[]> curve,
      Instant startedAt,
      Instant finishedAt,
      Double durationSeconds,
      String errorMessage) {
    public Trial {
      parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
      curve = List.copyOf(curve);
    }

    /** Whether it counts towards the best: finished with usable results, or stopped early. */
    boolean counts() {
      return metric != null
          && (status == ExecutionStatus.SUCCEEDED
              || status == ExecutionStatus.REUSED
              || status == ExecutionStatus.STOPPED_EARLY);
    }
  }

  /** The metadata entries read per trial: as many as the API serves for one execution. */
  static final int MAX_ENTRIES = ApiRoutes.MAX_METADATA_LIMIT;

  /**
   * Reads the tuning job of {@code taskExecutionId}.
   *
   * @throws ApiException 404 when the execution is a trial or no tuning job
   */
  static TuningView of(LineageStore store, String taskExecutionId, Instant now) {
    ExecutionRecord task = store.execution(taskExecutionId);
    if (task.isTrial()) {
      throw ApiException.notFound(
          "execution " + task.id() + " is trial " + task.trial() + " of node \"" + task.nodeName()
              + "\"; its tuning job is execution " + task.parentId());
    }
    Optional<String> specJson = store.tuningSpec(task.id());
    if (specJson.isEmpty()) {
      throw ApiException.notFound(
          "execution " + task.id() + " (node \"" + task.nodeName()
              + "\") is not a tuning job: it has no tuning spec");
    }
    JsonNode spec = JsonSupport.parseObject(specJson.get(), "tuning spec of " + task.id());
    String metric = spec.path("hyperparameterMetricTag").asText("");
    String goal = spec.path("goal").asText("MAXIMIZE");
    String metricValue = spec.path("Kiln:metricValue").asText("LAST");
    boolean maximize = !goal.equals("MINIMIZE");
    boolean bestValue = metricValue.equals("BEST");

    List<Trial> trials = new ArrayList<>();
    for (ExecutionRecord x : store.trials(task.id())) {
      Map<String, JsonNode> parameters = new LinkedHashMap<>();
      for (ParameterValue p : store.executionDetail(x.id()).parameters()) {
        parameters.put(p.name(), JsonSupport.parse(p.valueJson(), "parameter " + p.name()));
      }
      List<double[]> curve = new ArrayList<>();
      Double value = null;
      for (MetadataEntry e : store.metadata(x.id(), 0, MAX_ENTRIES)) {
        JsonNode v = JsonSupport.parse(e.json(), "metadata").get(metric);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
          continue;
        }
        double y = v.asDouble();
        double at = e.step() != null ? e.step() : e.epoch() != null ? e.epoch() : curve.size();
        curve.add(new double[] {at, y});
        value = value == null || !bestValue || better(y, value, maximize) ? y : value;
      }
      Double duration =
          x.startedAt() == null
              ? null
              : Duration.between(x.startedAt(), x.finishedAt() == null ? now : x.finishedAt())
                      .toMillis()
                  / 1000.0;
      trials.add(
          new Trial(
              x.trial(),
              x.id(),
              x.status(),
              parameters,
              value,
              curve,
              x.startedAt(),
              x.finishedAt(),
              duration,
              x.errorMessage()));
    }

    String computedBest = null;
    Double best = null;
    List<double[]> bestSoFar = new ArrayList<>();
    for (Trial t : trials) {
      if (!t.counts()) {
        continue;
      }
      if (best == null || better(t.metric(), best, maximize)) {
        best = t.metric();
        computedBest = t.executionId();
      }
      bestSoFar.add(new double[] {t.trial(), best});
    }
    return new TuningView(
        task.id(),
        task.runId(),
        task.nodeName(),
        task.status(),
        task.status().isFinished(),
        spec,
        metric,
        goal,
        metricValue,
        trials,
        store.bestTrial(task.id()).orElse(computedBest),
        bestSoFar);
  }

  private static boolean better(double a, double b, boolean maximize) {
    return maximize ? a > b : a < b;
  }
}
