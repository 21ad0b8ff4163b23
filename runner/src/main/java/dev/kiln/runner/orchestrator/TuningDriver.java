package dev.kiln.runner.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.ExecutionUpdate;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.runner.plan.ParamValues;
import dev.kiln.runner.plan.PlannedNode;
import dev.kiln.runner.tuning.TuningReport;
import dev.kiln.runner.tuning.TuningSpecJson;
import dev.kiln.runner.tuning.search.Dimension;
import dev.kiln.runner.tuning.search.Dimensions;
import dev.kiln.runner.tuning.search.GridSampler;
import dev.kiln.runner.tuning.search.Sampler;
import dev.kiln.runner.tuning.search.Samplers;
import dev.kiln.runner.tuning.search.Trial;
import dev.kiln.runner.tuning.stopping.Curve;
import dev.kiln.runner.tuning.stopping.MedianStoppingRule;
import dev.kiln.runner.tuning.stopping.StoppingRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The search of one task node: which trial runs next and with what parameters, what each finished
 * trial scored, when the job is over and which trial won. All of its state is rebuilt from the
 * lineage store when it starts, so a resumed job keeps its finished trials, runs its interrupted
 * ones again with the parameters they had, and asks the sampler for the rest with the same
 * history. The scheduler calls {@link #next} and {@link #finished} from its one thread; {@link
 * #metadata} comes from the trials' worker threads, for early stopping.
 */
final class TuningDriver {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A trial to start: its execution and the parameter values it overrides. */
  record Launch(String executionId, int trial, Map<String, ParamValue> overrides) {}

  /** How the job ended. */
  record Outcome(boolean succeeded, Optional<String> bestExecutionId, String summary) {}

  private final LineageStore store;
  private final ExecutionRecord task;
  private final PlannedNode node;
  private final TuningSpec spec;
  private final Console console;
  private final Sampler sampler;
  private final List<Dimension> space;
  private final int targetTrials;
  private final StoppingRule stoppingRule;

  /** Every trial by number. */
  private final TreeMap<Integer, TrialState> trials = new TreeMap<>();
  private final Set<String> metricKeysSeen = new LinkedHashSet<>();
  /** The trials of the job named by resumePreviousJobId: history for the search, not trials. */
  private final List<Trial> prior = new ArrayList<>();
  private boolean samplerExhausted;
  private final dev.kiln.runner.tuning.StopCondition stopCondition;
  /** Why the job ends early as a success (a stop condition or target value was met). */
  private String completedBecause;
  private String abortReason;

  private static final class TrialState {
    final String executionId;
    final int number;
    Map<String, Object> params;
    ExecutionStatus status;
    String error;
    final List<Curve.Point> points = new ArrayList<>();
    /** Each metadata key's last value, for Valohai's stop-condition. */
    final Map<String, Object> lastValues = new LinkedHashMap<>();
    OptionalDouble metric = OptionalDouble.empty();
    String earlyStopReason;
    boolean running;

    TrialState(String executionId, int number, Map<String, Object> params, ExecutionStatus status) {
      this.executionId = executionId;
      this.number = number;
      this.params = params;
      this.status = status;
    }
  }

  TuningDriver(
      LineageStore store, ExecutionRecord task, PlannedNode node, TuningSpec spec, Console console) {
    this.store = store;
    this.task = task;
    this.node = node;
    this.spec = spec;
    this.console = console;
    this.space = Dimensions.of(spec);
    // The seed is the task execution's: a resumed job draws what the killed one would have.
    this.sampler = Samplers.of(spec, seedOf(task.id()));
    int target = spec.maxTrials();
    if (spec.algorithm() == Algorithm.GRID_SEARCH) {
      target = (int) Math.min(target, GridSampler.size(space));
    } else if (spec.algorithm() == Algorithm.MANUAL_SEARCH) {
      target = Math.min(target, spec.manualTrials().size());
    }
    this.targetTrials = target;
    // The median rule as Optuna's median pruner reads it (the finished trials' values at the
    // step): it meets the benchmark's target where Vizier's running averages do not.
    this.stoppingRule =
        spec.earlyStopping()
            ? new MedianStoppingRule(3, 4, MedianStoppingRule.Compare.VALUE_AT_STEP)
            : StoppingRule.NONE;
    this.stopCondition = dev.kiln.runner.tuning.StopCondition.of(spec);
    if (store.tuningSpec(task.id()).isEmpty()) {
      store.recordTuningSpec(task.id(), TuningSpecJson.write(spec));
    }
    load();
    spec.resumePreviousJobId().ifPresent(this::loadPrevious);
  }

  /**
   * resumePreviousJobId: the trials of that earlier job feed this job's search (AI Platform uses
   * "the previous trials' results in the new job"); this job still runs its own maxTrials.
   */
  private void loadPrevious(String jobId) {
    if (store.findRun(jobId).isEmpty()) {
      abortReason =
          "resumePreviousJobId " + jobId + ": there is no tuning job with that id in this Kiln home";
      return;
    }
    int n = 1_000_000;
    for (ExecutionRecord e : store.executions(jobId, Set.of())) {
      if (!e.nodeName().equals(node.name()) || store.tuningSpec(e.id()).isEmpty()) {
        continue;
      }
      for (ExecutionRecord t : store.trials(e.id())) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (ParameterValue p : store.executionDetail(t.id()).parameters()) {
          if (spec.parameters().stream().anyMatch(x -> x.name().equals(p.name()))) {
            params.put(p.name(), plain(p.valueJson()));
          }
        }
        OptionalDouble metric = TuningReport.metric(store, t.id(), spec);
        Trial.State state =
            t.status() == ExecutionStatus.SUCCEEDED || t.status() == ExecutionStatus.REUSED
                ? Trial.State.SUCCEEDED
                : t.status() == ExecutionStatus.STOPPED_EARLY ? Trial.State.STOPPED_EARLY : Trial.State.FAILED;
        if (params.size() == spec.parameters().size()) {
          prior.add(new Trial(n++, params, state, metric));
        }
      }
    }
    if (prior.isEmpty()) {
      abortReason =
          "resumePreviousJobId " + jobId + ": that run has no trials of a task node \"" + node.name()
              + "\" searching these parameters";
      return;
    }
    console.status(
        node.name() + ": " + prior.size() + " trial(s) of tuning job " + jobId
            + " feed the search (resumePreviousJobId)");
  }

  static long seedOf(String executionId) {
    long h = 1125899906842597L;
    for (int i = 0; i < executionId.length(); i++) {
      h = 31 * h + executionId.charAt(i);
    }
    return h;
  }

  /** Reads the trials already recorded: a resumed job, or one fed by resumePreviousJobId. */
  private void load() {
    for (ExecutionRecord t : store.trials(task.id())) {
      ExecutionDetail d = store.executionDetail(t.id());
      Map<String, Object> params = new LinkedHashMap<>();
      for (ParameterValue p : d.parameters()) {
        if (spec.parameters().stream().anyMatch(s -> s.name().equals(p.name()))) {
          params.put(p.name(), plain(p.valueJson()));
        }
      }
      TrialState s = new TrialState(t.id(), t.trial(), params, t.status());
      s.error = t.errorMessage();
      trials.put(t.trial(), s);
      if (t.status() == ExecutionStatus.STOPPED) {
        // Stopped with the run (Ctrl-C, another node failing): it runs again.
        store.transitionExecution(t.id(), ExecutionEvent.RETRY, ExecutionUpdate.NONE);
        s.status = ExecutionStatus.QUEUED;
      }
      if (s.status.isFinished()) {
        readCurve(s);
      }
    }
  }

  int trialCount() {
    return trials.size();
  }

  /** The next trial to start now, if the budget, the parallelism and the search allow one. */
  synchronized Optional<Launch> next() {
    if (abortReason != null || completedBecause != null || finishedSucceeding() >= targetTrials) {
      return Optional.empty();
    }
    long running = trials.values().stream().filter(t -> t.running).count();
    if (running >= spec.maxParallelTrials()) {
      return Optional.empty();
    }
    // An interrupted trial first, with the parameters it had.
    for (TrialState t : trials.values()) {
      if (!t.running && !t.status.isFinished()) {
        if (t.params.isEmpty()) {
          Optional<Map<String, Object>> p = suggest(t.number);
          if (p.isEmpty()) {
            return Optional.empty();
          }
          t.params = p.get();
        }
        t.running = true;
        return Optional.of(new Launch(t.executionId, t.number, overrides(t.params)));
      }
    }
    if (trials.size() >= targetTrials || samplerExhausted) {
      return Optional.empty();
    }
    int number = trials.isEmpty() ? 1 : trials.lastKey() + 1;
    Optional<Map<String, Object>> p = suggest(number);
    if (p.isEmpty()) {
      samplerExhausted = true;
      return Optional.empty();
    }
    ExecutionRecord e = store.createExecution(NewExecution.trialOf(task, number));
    TrialState t = new TrialState(e.id(), number, p.get(), e.status());
    t.running = true;
    trials.put(number, t);
    Map<String, ParamValue> overrides = overrides(t.params);
    // The parameters are recorded now, not only when the trial starts, so that a job killed
    // in between runs the same trial again on resume.
    store.recordParameters(e.id(), records(overrides));
    return Optional.of(new Launch(e.id(), number, overrides));
  }

  private long finishedSucceeding() {
    return trials.values().stream().filter(t -> t.status.isFinished()).count();
  }

  private Optional<Map<String, Object>> suggest(int number) {
    List<Trial> history = new ArrayList<>(prior);
    for (TrialState t : trials.values()) {
      if (t.number == number) {
        continue;
      }
      history.add(new Trial(t.number, t.params, stateOf(t), t.metric));
    }
    return sampler.suggest(number, space, history, spec.goal());
  }

  private static Trial.State stateOf(TrialState t) {
    if (t.status == ExecutionStatus.SUCCEEDED || t.status == ExecutionStatus.REUSED) {
      return Trial.State.SUCCEEDED;
    }
    if (t.status == ExecutionStatus.STOPPED_EARLY) {
      return Trial.State.STOPPED_EARLY;
    }
    if (t.status == ExecutionStatus.FAILED) {
      return Trial.State.FAILED;
    }
    return Trial.State.RUNNING;
  }

  /** The trial's values, fixed parameters first, typed as the step declares them. */
  private Map<String, ParamValue> overrides(Map<String, Object> sampled) {
    Map<String, ParamValue> out = new LinkedHashMap<>();
    spec.fixedParameters().forEach((k, v) -> out.put(k, typed(k, v)));
    sampled.forEach((k, v) -> out.put(k, typed(k, text(v))));
    return out;
  }

  private ParamValue typed(String name, String text) {
    Optional<ParameterSpec> p = node.step().parameter(name);
    if (p.isEmpty()) {
      return ParamValue.of(text);
    }
    if (p.get().type() == dev.kiln.pipelines.ParameterType.INTEGER && text.endsWith(".0")) {
      text = text.substring(0, text.length() - 2);
    }
    return ParamValues.parse(p.get(), text);
  }

  private static String text(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue()) + ".0";
    }
    return String.valueOf(v);
  }

  private List<ParameterValue> records(Map<String, ParamValue> values) {
    List<ParameterValue> out = new ArrayList<>();
    values.forEach(
        (k, v) ->
            out.add(
                ParameterValue.of(
                    k,
                    ParamValues.toPlain(v),
                    node.step().parameter(k).map(p -> p.type().yamlName()).orElse("string"))));
    return out;
  }

  /**
   * A metadata line of a running trial. Returns why the trial should stop now, when early stopping
   * says so.
   */
  synchronized Optional<String> metadata(String executionId, ObjectNode entry) {
    TrialState t = byExecution(executionId);
    if (t == null) {
      return Optional.empty();
    }
    entry.fieldNames().forEachRemaining(metricKeysSeen::add);
    JsonNode v = entry.get(spec.metric());
    if (v == null || !v.isNumber()) {
      return Optional.empty();
    }
    long step = stepOf(entry, t.points.size());
    t.points.add(new Curve.Point(step, v.asDouble()));
    if (t.earlyStopReason != null) {
      return Optional.empty();
    }
    List<Curve> others = new ArrayList<>();
    for (TrialState o : trials.values()) {
      if (o != t && !o.points.isEmpty()) {
        others.add(new Curve(o.number, List.copyOf(o.points), o.status.isFinished()));
      }
    }
    Optional<String> stop =
        stoppingRule.shouldStop(
            new Curve(t.number, List.copyOf(t.points), false),
            others,
            spec.goal() == Goal.MAXIMIZE);
    stop.ifPresent(r -> t.earlyStopReason = r);
    return stop;
  }

  private static long stepOf(ObjectNode entry, int index) {
    for (String k : List.of("step", "epoch", "iteration")) {
      JsonNode s = entry.get(k);
      if (s != null && s.isNumber()) {
        return s.asLong();
      }
    }
    return index;
  }

  private TrialState byExecution(String executionId) {
    for (TrialState t : trials.values()) {
      if (t.executionId.equals(executionId)) {
        return t;
      }
    }
    return null;
  }

  boolean isTrial(String executionId) {
    synchronized (this) {
      return byExecution(executionId) != null;
    }
  }

  /**
   * A trial ended. {@code status} is what the execution reported; a trial that early stopping
   * asked to stop is recorded as STOPPED_EARLY.
   */
  synchronized void finished(String executionId, ExecutionStatus status, String detail) {
    TrialState t = byExecution(executionId);
    t.running = false;
    if (status == ExecutionStatus.STOPPED && t.earlyStopReason != null) {
      store.transitionExecution(
          executionId,
          ExecutionEvent.STOP_EARLY,
          ExecutionUpdate.failed(null, "stopped early: " + t.earlyStopReason));
      status = ExecutionStatus.STOPPED_EARLY;
      console.status(
          node.name() + " trial " + t.number + ": stopped early (" + t.earlyStopReason + ")");
    } else if (status == ExecutionStatus.STOPPED) {
      // The whole run is stopping; the trial runs again on resume.
      ExecutionRecord now = store.execution(executionId);
      if (now.status().after(ExecutionEvent.STOP).isPresent()) {
        store.transitionExecution(
            executionId, ExecutionEvent.STOP, ExecutionUpdate.failed(null, "stopped: " + detail));
      }
    }
    t.status = status;
    t.error = status == ExecutionStatus.FAILED ? detail : null;
    readCurve(t);
    if (completedBecause == null
        && (status == ExecutionStatus.SUCCEEDED || status == ExecutionStatus.REUSED)) {
      stopCondition
          .check(t.lastValues, t.metric)
          .ifPresent(
              why -> {
                completedBecause = "trial " + t.number + ": " + why;
                console.status(node.name() + ": no more trials start: " + completedBecause);
              });
    }
    String metric = t.metric.isPresent() ? spec.metric() + "=" + num(t.metric.getAsDouble()) : "no " + spec.metric();
    console.status(
        node.name() + " trial " + t.number + "/" + targetTrials + ": "
            + status.name().toLowerCase(java.util.Locale.ROOT) + " (" + metric + ", "
            + paramsText(t.params) + ")" + bestSoFarText());
    checkBudget();
  }

  private String bestSoFarText() {
    return best().map(b -> "; best so far: trial " + b.number + " " + num(b.metric.getAsDouble())).orElse("");
  }

  private void checkBudget() {
    List<TrialState> failed =
        trials.values().stream().filter(t -> t.status == ExecutionStatus.FAILED).toList();
    if (abortReason == null
        && !failed.isEmpty()
        && dev.kiln.runner.tuning.TrialFailures.stopAfterFailure(spec, failed.size())) {
      abortReason = failures(failed);
    }
    boolean anyMetric = trials.values().stream().anyMatch(t -> t.metric.isPresent());
    boolean succeededWithout =
        trials.values().stream()
            .anyMatch(t -> t.status == ExecutionStatus.SUCCEEDED && t.metric.isEmpty());
    if (abortReason == null && !anyMetric && succeededWithout) {
      Set<String> seen = new LinkedHashSet<>(metricKeysSeen);
      seen.removeAll(Set.of("_time", "step", "epoch"));
      abortReason =
          "no trial printed the metric \"" + spec.metric() + "\" (hyperparameterMetricTag /"
              + " optimization-target-metric); the trials printed "
              + (seen.isEmpty() ? "no metadata at all" : "the keys " + String.join(", ", seen))
              + ". Print a JSON line such as {\"" + spec.metric() + "\": 0.9} on stdout";
    }
  }

  /** Ends the job as failed (the trials that run are cancelled by the scheduler). */
  synchronized void abort(String reason) {
    if (abortReason == null) {
      abortReason = reason;
    }
  }

  /** "2 trial(s) failed, reaching maxFailedTrials (2): trial 1 (execution ...): why; ..." */
  private String failures(List<TrialState> failed) {
    StringBuilder b = new StringBuilder();
    b.append(failed.size()).append(" trial(s) failed");
    if (spec.onTrialError() == dev.kiln.pipelines.tuning.OnTrialError.FAILURE_BUDGET) {
      b.append(", reaching maxFailedTrials (").append(spec.failureBudget()).append(")");
    } else {
      b.append(" (on-child-error: ")
          .append(spec.onTrialError().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .append(")");
    }
    b.append(": ");
    for (int i = 0; i < failed.size(); i++) {
      TrialState f = failed.get(i);
      b.append(i == 0 ? "" : "; ").append("trial ").append(f.number).append(" (execution ")
          .append(f.executionId).append("): ").append(f.error);
    }
    return b.toString();
  }

  /** Running trials the scheduler must cancel: the job is over because it failed. */
  synchronized Optional<String> abortReason() {
    return Optional.ofNullable(abortReason);
  }

  synchronized boolean anyRunning() {
    return trials.values().stream().anyMatch(t -> t.running);
  }

  /** Whether the job is over: every trial it will run has finished, or it failed. */
  synchronized boolean isDone() {
    if (anyRunning()) {
      return false;
    }
    if (abortReason != null || completedBecause != null) {
      return true;
    }
    boolean allFinished = trials.values().stream().allMatch(t -> t.status.isFinished());
    return allFinished && (trials.size() >= targetTrials || samplerExhausted);
  }

  /** Records the end of the job on the task's execution; call once {@link #isDone}. */
  synchronized Outcome outcome() {
    if (abortReason != null) {
      return new Outcome(false, Optional.empty(), abortReason);
    }
    Optional<TrialState> best = best();
    if (best.isEmpty()) {
      Set<String> seen = new LinkedHashSet<>(metricKeysSeen);
      seen.removeAll(Set.of("_time"));
      return new Outcome(
          false,
          Optional.empty(),
          "no trial succeeded with the metric \"" + spec.metric() + "\""
              + (seen.isEmpty() ? "" : " (the trials printed " + String.join(", ", seen) + ")"));
    }
    TrialState b = best.get();
    List<TrialState> failed =
        trials.values().stream().filter(t -> t.status == ExecutionStatus.FAILED).toList();
    long succeeded =
        trials.values().stream()
            .filter(t -> t.status == ExecutionStatus.SUCCEEDED || t.status == ExecutionStatus.REUSED)
            .count();
    if (!failed.isEmpty()
        && dev.kiln.runner.tuning.TrialFailures.jobFailed(spec, failed.size(), (int) succeeded)) {
      return new Outcome(false, Optional.empty(), failures(failed));
    }
    return new Outcome(
        true,
        Optional.of(b.executionId),
        trials.size() + " trials"
            + (completedBecause == null ? "" : " (stopped: " + completedBecause + ")")
            + "; best: trial " + b.number + " (" + spec.metric() + "="
            + num(b.metric.getAsDouble()) + ", " + paramsText(b.params) + ")");
  }

  private Optional<TrialState> best() {
    TrialState best = null;
    for (TrialState t : trials.values()) {
      boolean ok = t.status == ExecutionStatus.SUCCEEDED || t.status == ExecutionStatus.REUSED;
      if (!ok || t.metric.isEmpty()) {
        continue;
      }
      if (best == null || spec.goal().better(t.metric.getAsDouble(), best.metric.getAsDouble())) {
        best = t;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Reads a finished trial's metric from the store: its last or its best value. */
  private void readCurve(TrialState t) {
    List<Curve.Point> points = new ArrayList<>();
    long after = 0;
    while (true) {
      List<MetadataEntry> page = store.metadata(t.executionId, after, 1000);
      if (page.isEmpty()) {
        break;
      }
      for (MetadataEntry m : page) {
        after = m.seq();
        JsonNode n;
        try {
          n = JSON.readTree(m.json());
        } catch (IOException e) {
          continue;
        }
        n.fieldNames().forEachRemaining(metricKeysSeen::add);
        final JsonNode row = n;
        row.fieldNames()
            .forEachRemaining(
                k -> {
                  JsonNode x = row.get(k);
                  t.lastValues.put(
                      k, x.isNumber() ? (Object) x.asDouble() : x.isBoolean() ? (Object) x.asBoolean() : x.asText());
                });
        JsonNode v = n.get(spec.metric());
        if (v != null && v.isNumber()) {
          points.add(new Curve.Point(stepOf((ObjectNode) n, points.size()), v.asDouble()));
        }
      }
    }
    t.points.clear();
    t.points.addAll(points);
    OptionalDouble metric = OptionalDouble.empty();
    for (Curve.Point p : points) {
      metric = TuningReport.fold(spec, metric, p.value());
    }
    t.metric = metric;
  }

  private static Object plain(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n.isIntegralNumber()) {
        return n.asLong();
      }
      if (n.isNumber()) {
        return n.asDouble();
      }
      return n.asText();
    } catch (IOException e) {
      return json;
    }
  }

  private static String paramsText(Map<String, Object> p) {
    List<String> parts = new ArrayList<>();
    p.forEach((k, v) -> parts.add(k + "=" + (v instanceof Double d ? num(d) : v)));
    return String.join(", ", parts);
  }

  static String num(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(java.util.Locale.ROOT, "%.6g", d).replaceAll("0+(e|$)", "$1").replaceAll("\\.(e|$)", "$1");
  }
}
