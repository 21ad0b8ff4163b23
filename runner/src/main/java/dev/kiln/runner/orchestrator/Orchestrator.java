package dev.kiln.runner.orchestrator;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.ExecutionUpdate;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.lineage.openlineage.OpenLineageExporter;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.runner.executor.Cancellation;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.PlannedNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs planned pipelines. One scheduler thread decides what runs; each execution runs on a worker
 * thread. Every state change goes to the lineage store before the orchestrator acts on it: an
 * execution is recorded as started (with its parameters, inputs and cache key) before its process
 * starts, and as finished only after its outputs are stored. A run killed at any point is finished
 * by {@link #resume}: finished executions are kept, the interrupted ones run again.
 */
public final class Orchestrator implements AutoCloseable {
  private final LineageStore store;
  private final OrchestratorConfig config;
  private final Map<ExecutorKind, Executor> executors;
  private final Console console;
  private final NodeLife life;
  private final List<RunListener> listeners;
  private final ExecutorService workers;
  /** The cancellation of every execution submitted and not yet done, by execution id. */
  private final Map<String, Cancellation> running = new ConcurrentHashMap<>();
  private volatile String stopReason;

  public Orchestrator(
      LineageStore store,
      OrchestratorConfig config,
      Map<ExecutorKind, Executor> executors,
      Console console) {
    this(store, config, executors, console, Optional.empty());
  }

  /** With OpenLineage events sent for every run and execution. */
  public Orchestrator(
      LineageStore store,
      OrchestratorConfig config,
      Map<ExecutorKind, Executor> executors,
      Console console,
      Optional<OpenLineageExporter> openLineage) {
    this(store, config, executors, console, openLineage.<List<RunListener>>map(ol -> List.of(new OpenLineageListener(store, ol))).orElse(List.of()));
  }

  /** With {@code listeners} told of every run and execution (OpenLineage, live viewers). */
  public Orchestrator(
      LineageStore store,
      OrchestratorConfig config,
      Map<ExecutorKind, Executor> executors,
      Console console,
      List<RunListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.store = store;
    this.config = config;
    this.executors = Map.copyOf(executors);
    this.console = console;
    this.life = new NodeLife(store, config, executors, console, this.listeners);
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "kiln-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts a new run of the plan and runs it to its end. */
  public RunResult run(Plan plan, RunOptions options) {
    RunRecord run =
        store.createRun(
            new NewRun(
                plan.pipeline().name(),
                options.source(),
                runParamsJson(options),
                options.commit().orElse(null)));
    for (PlannedNode node : plan.nodes()) {
      store.createExecution(
          NewExecution.of(run.id(), node.name(), node.step().name())
              .withExecutor(NodeLife.kindOf(node.step()).configName()));
    }
    RunRecord started = store.transitionRun(run.id(), RunEvent.START);
    listeners.forEach(l -> l.runStarted(started.id()));
    console.status("run " + run.id() + " of pipeline " + plan.pipeline().name() + " started");
    return drive(run.id(), plan, options);
  }

  /**
   * Finishes a run that was killed, stopped or failed: executions that finished are kept, those
   * that were running when it stopped and those that did not get to run are run now.
   */
  public RunResult resume(String runId, Plan plan, RunOptions options) {
    RunRecord run = store.run(runId);
    if (run.status() == RunStatus.SUCCEEDED) {
      return new RunResult(runId, run.status(), "the run had already succeeded");
    }
    // The run is resumed first: the store refuses to touch executions of a finished run. A store
    // written before every unfinished execution was recorded as stopped can still hold RUNNING
    // executions in a FAILED run; they are put back to QUEUED like those of a crashed run.
    store.transitionRun(runId, RunEvent.RESUME, "resumed");
    killOrphans(runId);
    List<ExecutionRecord> interrupted = store.markInterrupted(runId);
    for (ExecutionRecord e : store.executions(runId, Set.of())) {
      if (e.status().after(ExecutionEvent.RETRY).isPresent()) {
        store.transitionExecution(e.id(), ExecutionEvent.RETRY, ExecutionUpdate.NONE);
      }
    }
    console.status(
        "run " + runId + " resumed; " + interrupted.size() + " interrupted execution(s) run again");
    return drive(runId, plan, options);
  }

  /**
   * A step whose orchestrator was killed (-9, power loss of the terminal) can outlive it, when its
   * parent-death watch did not fire. Before an execution runs again its recorded process group is
   * killed, so two copies never run side by side nor write into the same folder.
   */
  private void killOrphans(String runId) {
    List<ExecutionRecord> all = new ArrayList<>();
    for (ExecutionRecord e : store.executions(runId, Set.of())) {
      all.add(e);
      all.addAll(store.trials(e.id()));
    }
    for (ExecutionRecord e : all) {
      java.util.OptionalLong group = store.processGroup(e.id());
      if (group.isPresent()) {
        dev.kiln.runner.process.ProcessGroups.killIfStillRunning(group.getAsLong(), e.id())
            .ifPresent(
                what ->
                    console.status(
                        e.nodeName() + ": killed the step left running by the earlier"
                            + " orchestrator: " + what));
      }
    }
  }

  /** Asks the run in progress to stop: running steps are killed, nothing new starts. */
  public void stop(String reason) {
    stopReason = reason;
    cancelAll(reason);
  }

  private void cancelAll(String reason) {
    running.values().forEach(c -> c.cancel(reason));
  }


  private RunResult drive(String runId, Plan plan, RunOptions options) {
    Map<String, PlannedNode> nodes = plan.byName();
    Map<String, ExecutionStatus> status = new LinkedHashMap<>();
    Map<String, String> ids = new HashMap<>();
    for (ExecutionRecord e : store.executions(runId, Set.of())) {
      status.put(e.nodeName(), e.status());
      ids.put(e.nodeName(), e.id());
    }
    Map<String, Integer> attempts = new HashMap<>();
    Map<String, Instant> notBefore = new HashMap<>();
    LinkedBlockingQueue<ExecutionEnd> done = new LinkedBlockingQueue<>();
    Map<String, ResourcePool.Slot> slots = new HashMap<>();
    Map<String, TuningDriver> tuning = new HashMap<>();
    // ExecutionEnd entries that hold no slot: a task node's own end, queued by the scheduler.
    Set<String> noSlot = new java.util.HashSet<>();
    ResourcePool pool = new ResourcePool(config.cpuSlots(), config.gpuSlots());
    boolean reuse = options.reuse() || plan.pipeline().reuseExecutions();
    String codeVersion = options.commit().map(c -> c.sha()).orElse("working-copy");
    String failedStopAll = null;
    int inFlight = 0;

    while (true) {
      if (stopReason == null && failedStopAll == null) {
        // A task whose trials are all over ends; its end is handled like any node's.
        for (String name : List.copyOf(tuning.keySet())) {
          TuningDriver driver = tuning.get(name);
          if (status.get(name) == ExecutionStatus.RUNNING && driver.isDone()) {
            tuning.remove(name);
            ExecutionEnd end = finishTuning(name, ids.get(name), driver);
            noSlot.add(end.executionId());
            inFlight++;
            done.add(end);
          }
        }
        // Skip what can no longer run, then start what is ready while slots are free.
        for (PlannedNode node : nodes.values()) {
          ExecutionStatus s = status.get(node.name());
          if (s != ExecutionStatus.CREATED && s != ExecutionStatus.QUEUED) {
            continue;
          }
          Optional<String> blocker = blockedBy(node, status, nodes);
          if (blocker.isPresent()) {
            store.skip(ids.get(node.name()), blocker.get());
            status.put(node.name(), ExecutionStatus.SKIPPED);
            console.status(node.name() + ": skipped (" + blocker.get() + ")");
          }
        }
        for (PlannedNode node : nodes.values()) {
          ExecutionStatus s = status.get(node.name());
          if ((s != ExecutionStatus.CREATED && s != ExecutionStatus.QUEUED)
              || !upstreamDone(node, status, nodes)) {
            continue;
          }
          Instant wait = notBefore.get(node.name());
          if (wait != null && Instant.now().isBefore(wait)) {
            continue;
          }
          if (s == ExecutionStatus.CREATED) {
            store.queue(ids.get(node.name()));
            status.put(node.name(), ExecutionStatus.QUEUED);
          }
          if (node.isTuned()) {
            String taskId = ids.get(node.name());
            // What an earlier attempt of the task recorded (its best trial's outputs) goes; its
            // trials stay and feed the search.
            store.clearAttempt(taskId);
            ExecutionRecord task =
                store.transitionExecution(
                    taskId, ExecutionEvent.START, new ExecutionUpdate("tuning", null, null, null, null));
            TuningDriver driver =
                new TuningDriver(store, task, node, node.tuning().get(), console);
            tuning.put(node.name(), driver);
            status.put(node.name(), ExecutionStatus.RUNNING);
            console.status(
                node.name() + ": tuning " + node.tuning().get().metric() + " ("
                    + node.tuning().get().goal().name().toLowerCase(java.util.Locale.ROOT) + ", "
                    + node.tuning().get().maxTrials() + " trials, "
                    + node.tuning().get().maxParallelTrials() + " at a time"
                    + (driver.trialCount() > 0 ? ", " + driver.trialCount() + " recorded already" : "")
                    + ")");
            continue;
          }
          Optional<ResourcePool.Slot> slot = pool.take(node.step().resources().gpus() > 0);
          if (slot.isEmpty()) {
            continue;
          }
          String executionId = ids.get(node.name());
          slots.put(executionId, slot.get());
          status.put(node.name(), ExecutionStatus.RUNNING);
          attempts.merge(node.name(), 1, Integer::sum);
          inFlight++;
          String device = slot.get().device();
          Cancellation cancellation = new Cancellation();
          running.put(executionId, cancellation);
          workers.submit(
              () -> {
                ExecutionEnd d;
                try {
                  d =
                      life.execute(
                          runId, executionId, node, reuse, codeVersion, device, cancellation,
                          Map.of(), null);
                  listeners.forEach(l -> l.executionFinished(runId, executionId));
                } catch (RuntimeException | Error e) {
                  d = life.failSafely(executionId, node.name(), e);
                } finally {
                  running.remove(executionId);
                }
                done.add(d);
              });
        }
        // Trials of the task nodes that are tuning, while their budget and the slots allow.
        for (var entry : tuning.entrySet()) {
          PlannedNode node = nodes.get(entry.getKey());
          TuningDriver driver = entry.getValue();
          if (status.get(node.name()) != ExecutionStatus.RUNNING) {
            continue;
          }
          while (true) {
            Optional<ResourcePool.Slot> slot = pool.take(node.step().resources().gpus() > 0);
            if (slot.isEmpty()) {
              break;
            }
            Optional<TuningDriver.Launch> launch = driver.next();
            if (launch.isEmpty()) {
              pool.release(slot.get());
              break;
            }
            String trialId = launch.get().executionId();
            slots.put(trialId, slot.get());
            inFlight++;
            String device = slot.get().device();
            Cancellation cancellation = new Cancellation();
            running.put(trialId, cancellation);
            Map<String, ParamValue> overrides = launch.get().overrides();
            // reuse-children: a trial matching an earlier execution is taken from it.
            boolean reuseTrials = reuse || node.tuning().get().reuseTrials();
            java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> onMetadata =
                entryLine ->
                    driver
                        .metadata(trialId, entryLine)
                        .ifPresent(why -> cancellation.cancel("early stopping: " + why));
            workers.submit(
                () -> {
                  ExecutionEnd d;
                  try {
                    d =
                        life.execute(
                            runId, trialId, node, reuseTrials, codeVersion, device, cancellation,
                            overrides, onMetadata);
                  } catch (RuntimeException | Error e) {
                    d = life.failSafely(trialId, node.name(), e);
                  } finally {
                    running.remove(trialId);
                  }
                  done.add(d);
                });
          }
        }
      }
      if (inFlight == 0 && stopReason == null && failedStopAll == null && !tuning.isEmpty()) {
        // A task whose job is over ends on the next pass; one that can neither start a trial nor
        // end would loop forever, so it fails instead.
        for (TuningDriver driver : tuning.values()) {
          if (!driver.isDone()) {
            driver.abort("the search stalled: no trial is running and none can start");
          }
        }
        continue;
      }
      if (inFlight == 0) {
        boolean waiting =
            stopReason == null
                && failedStopAll == null
                && notBefore.entrySet().stream()
                    .anyMatch(
                        e ->
                            status.get(e.getKey()) == ExecutionStatus.QUEUED
                                && Instant.now().isBefore(e.getValue()));
        if (!waiting) {
          break;
        }
      }
      ExecutionEnd d;
      try {
        d = done.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        stop("the orchestrator was interrupted");
        continue;
      }
      if (d == null) {
        continue;
      }
      inFlight--;
      if (!noSlot.remove(d.executionId())) {
        pool.release(slots.remove(d.executionId()));
      }
      TuningDriver driver = tuning.get(d.node());
      if (driver != null && driver.isTrial(d.executionId())) {
        driver.finished(d.executionId(), d.status(), d.detail());
        Optional<String> abort = driver.abortReason();
        if (abort.isPresent()) {
          for (ExecutionRecord t : store.trials(ids.get(d.node()))) {
            Cancellation c = running.get(t.id());
            if (c != null) {
              c.cancel("the tuning job failed: " + abort.get());
            }
          }
        }
        continue; // the next pass ends the task once the driver is done
      }
      status.put(d.node(), d.status());
      PlannedNode node = nodes.get(d.node());
      if (d.status() == ExecutionStatus.FAILED && stopReason == null) {
        OnError policy = node.node().onError();
        int attempt = attempts.getOrDefault(d.node(), 1);
        if (policy == OnError.RETRY && attempt <= options.maxRetries()) {
          Duration backoff = options.retryBackoff().multipliedBy(1L << (attempt - 1));
          store.transitionExecution(ids.get(d.node()), ExecutionEvent.RETRY, ExecutionUpdate.NONE);
          status.put(d.node(), ExecutionStatus.QUEUED);
          notBefore.put(d.node(), Instant.now().plus(backoff));
          console.status(
              d.node() + ": attempt " + attempt + " failed (" + d.detail() + "); retrying in "
                  + backoff.toMillis() + " ms");
        } else if (policy == OnError.STOP_ALL || policy == OnError.RETRY) {
          failedStopAll = d.node();
          console.status("stopping the pipeline: node " + d.node() + " failed (on-error: "
              + policy.yamlName() + ")");
          cancelAll("node " + d.node() + " failed (on-error: " + policy.yamlName() + ")");
        }
      }
    }
    RunResult result = finish(runId, status, nodes, failedStopAll);
    listeners.forEach(l -> l.runFinished(runId));
    return result;
  }

  private RunResult finish(
      String runId,
      Map<String, ExecutionStatus> status,
      Map<String, PlannedNode> nodes,
      String failedStopAll) {
    if (stopReason != null) {
      store.stopRun(runId, stopReason);
      console.status("run " + runId + " stopped: " + stopReason);
      return new RunResult(runId, RunStatus.STOPPED, stopReason);
    }
    if (failedStopAll != null) {
      String why = "the pipeline stopped after node " + failedStopAll + " failed";
      // Nodes that never got to run are skipped; whatever was running, or submitted and not yet
      // started, was cancelled: it is stopped, so that resume runs it again.
      for (ExecutionRecord e : store.executions(runId, Set.of())) {
        boolean cancelled = status.get(e.nodeName()) == ExecutionStatus.STOPPED;
        if (e.status() == ExecutionStatus.CREATED
            || (e.status() == ExecutionStatus.QUEUED && !cancelled)) {
          store.skip(e.id(), why);
          status.put(e.nodeName(), ExecutionStatus.SKIPPED);
        } else if (e.status().after(ExecutionEvent.STOP).isPresent()) {
          store.transitionExecution(
              e.id(), ExecutionEvent.STOP, ExecutionUpdate.failed(null, "stopped: " + why));
          status.put(e.nodeName(), ExecutionStatus.STOPPED);
        }
      }
    }
    List<String> failed = new ArrayList<>();
    List<String> stopped = new ArrayList<>();
    for (var e : status.entrySet()) {
      boolean tolerated = nodes.get(e.getKey()).node().onError() == OnError.CONTINUE;
      if (e.getValue() == ExecutionStatus.FAILED && !tolerated) {
        failed.add(e.getKey());
      } else if (e.getValue() == ExecutionStatus.STOPPED) {
        stopped.add(e.getKey());
      }
    }
    if (failed.isEmpty() && stopped.isEmpty() && failedStopAll == null) {
      store.transitionRun(runId, RunEvent.SUCCEED, "every node finished");
      console.status("run " + runId + " succeeded");
      return new RunResult(runId, RunStatus.SUCCEEDED, "every node finished");
    }
    String summary = "failed: " + String.join(", ", failed);
    if (!stopped.isEmpty()) {
      summary += "; stopped: " + String.join(", ", stopped);
    }
    store.transitionRun(runId, RunEvent.FAIL, summary);
    console.status("run " + runId + " " + summary);
    return new RunResult(runId, RunStatus.FAILED, summary);
  }

  /** Why a node cannot run any more: an upstream node failed or was skipped. */
  private static Optional<String> blockedBy(
      PlannedNode node, Map<String, ExecutionStatus> status, Map<String, PlannedNode> nodes) {
    for (String up : node.upstream()) {
      ExecutionStatus s = status.get(up);
      if (s == null) {
        continue;
      }
      boolean tolerated = nodes.containsKey(up) && nodes.get(up).node().onError() == OnError.CONTINUE;
      if ((s == ExecutionStatus.FAILED && !tolerated)
          || s == ExecutionStatus.SKIPPED
          || s == ExecutionStatus.STOPPED) {
        return Optional.of("upstream node " + up + " " + s.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  private static boolean upstreamDone(
      PlannedNode node, Map<String, ExecutionStatus> status, Map<String, PlannedNode> nodes) {
    for (String up : node.upstream()) {
      ExecutionStatus s = status.get(up);
      boolean tolerated = nodes.containsKey(up) && nodes.get(up).node().onError() == OnError.CONTINUE;
      if (s == null || !(s.hasUsableOutputs() || (s == ExecutionStatus.FAILED && tolerated))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Ends a task node's execution once its trials are over: it succeeds carrying the best trial's
   * parameters and outputs (so that edges out of the task feed the best model downstream), or fails
   * saying why.
   */
  private ExecutionEnd finishTuning(String nodeName, String taskId, TuningDriver driver) {
    TuningDriver.Outcome outcome = driver.outcome();
    if (!outcome.succeeded()) {
      store.fail(taskId, null, outcome.summary());
      console.status(nodeName + ": tuning failed: " + outcome.summary());
      return new ExecutionEnd(nodeName, taskId, ExecutionStatus.FAILED, outcome.summary());
    }
    String bestId = outcome.bestExecutionId().get();
    ExecutionDetail best = store.executionDetail(bestId);
    store.recordBestTrial(taskId, bestId);
    store.recordParameters(taskId, best.parameters());
    store.recordOutputs(taskId, best.outputs());
    store.succeed(taskId, null);
    console.status(nodeName + ": tuning succeeded: " + outcome.summary());
    return new ExecutionEnd(nodeName, taskId, ExecutionStatus.SUCCEEDED, outcome.summary());
  }

  private static String runParamsJson(RunOptions options) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("params", options.params());
    m.put("inputs", options.inputs());
    m.put("reuse", options.reuse());
    return dev.kiln.lineage.model.JsonSupport.write(m);
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
