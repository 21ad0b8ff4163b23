package dev.kiln.runner.orchestrator;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.artifact.ArtifactRef;
import dev.kiln.lineage.artifact.ArtifactStoreException;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.ExecutionUpdate;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.lineage.openlineage.OpenLineageExporter;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.runner.exec.ExecutionDirectory;
import dev.kiln.runner.executor.Cancellation;
import dev.kiln.runner.executor.ExecutionRequest;
import dev.kiln.runner.executor.ExecutionResult;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.inputs.InputException;
import dev.kiln.runner.inputs.InputResolver;
import dev.kiln.runner.inputs.ResolvedFile;
import dev.kiln.runner.plan.ParamValues;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.PlannedNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.stream.Stream;

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
  private final InputResolver resolver;
  private final ExecutorService workers;
  /** The cancellation of every execution submitted and not yet done, by execution id. */
  private final Map<String, Cancellation> running = new ConcurrentHashMap<>();
  private volatile String stopReason;
  private final Optional<OpenLineageExporter> openLineage;

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
    this.openLineage = openLineage;
    this.store = store;
    this.config = config;
    this.executors = Map.copyOf(executors);
    this.console = console;
    this.resolver =
        new InputResolver(
            config.workingDir(), config.kilnHome().resolve("cache/http"), this::findDatum);
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
              .withExecutor(kindOf(node.step()).configName()));
    }
    RunRecord started = store.transitionRun(run.id(), RunEvent.START);
    openLineage.ifPresent(ol -> ol.runStarted(started));
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

  /** An execution ended: a node's, or a trial of a task node's. */
  private record Done(String node, String executionId, ExecutionStatus status, String detail) {}

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
    LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
    Map<String, Boolean> usesGpu = new HashMap<>();
    Map<String, TuningDriver> tuning = new HashMap<>();
    // Done entries that hold no slot: a task node's own end, queued by the scheduler.
    Set<String> noSlot = new java.util.HashSet<>();
    int cpuFree = config.cpuSlots();
    int gpuFree = config.gpuSlots();
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
            Done end = finishTuning(name, ids.get(name), driver);
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
          boolean wantsGpu = node.step().resources().gpus() > 0;
          boolean gpu = wantsGpu && gpuFree > 0;
          if (!gpu && cpuFree == 0) {
            continue;
          }
          if (gpu) {
            gpuFree--;
          } else {
            cpuFree--;
          }
          String executionId = ids.get(node.name());
          usesGpu.put(executionId, gpu);
          status.put(node.name(), ExecutionStatus.RUNNING);
          attempts.merge(node.name(), 1, Integer::sum);
          inFlight++;
          String device = gpu ? "cuda:" + (config.gpuSlots() - gpuFree - 1) : "cpu";
          Cancellation cancellation = new Cancellation();
          running.put(executionId, cancellation);
          workers.submit(
              () -> {
                Done d;
                try {
                  d =
                      execute(
                          runId, executionId, node, reuse, codeVersion, device, cancellation,
                          Map.of(), null);
                  openLineage.ifPresent(
                      ol ->
                          ol.executionFinished(
                              store.run(runId), store.executionDetail(executionId)));
                } catch (RuntimeException | Error e) {
                  d = failSafely(executionId, node.name(), e);
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
            boolean wantsGpu = node.step().resources().gpus() > 0;
            boolean gpu = wantsGpu && gpuFree > 0;
            if (!gpu && cpuFree == 0) {
              break;
            }
            Optional<TuningDriver.Launch> launch = driver.next();
            if (launch.isEmpty()) {
              break;
            }
            if (gpu) {
              gpuFree--;
            } else {
              cpuFree--;
            }
            String trialId = launch.get().executionId();
            usesGpu.put(trialId, gpu);
            inFlight++;
            String device = gpu ? "cuda:" + (config.gpuSlots() - gpuFree - 1) : "cpu";
            Cancellation cancellation = new Cancellation();
            running.put(trialId, cancellation);
            Map<String, ParamValue> overrides = launch.get().overrides();
            java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> onMetadata =
                entryLine ->
                    driver
                        .metadata(trialId, entryLine)
                        .ifPresent(why -> cancellation.cancel("early stopping: " + why));
            workers.submit(
                () -> {
                  Done d;
                  try {
                    d =
                        execute(
                            runId, trialId, node, reuse, codeVersion, device, cancellation,
                            overrides, onMetadata);
                  } catch (RuntimeException | Error e) {
                    d = failSafely(trialId, node.name(), e);
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
      Done d;
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
      if (noSlot.remove(d.executionId())) {
        // no slot to give back
      } else if (Boolean.TRUE.equals(usesGpu.remove(d.executionId()))) {
        gpuFree++;
      } else {
        cpuFree++;
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
    openLineage.ifPresent(ol -> ol.runFinished(store.run(runId)));
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
  private Done finishTuning(String nodeName, String taskId, TuningDriver driver) {
    TuningDriver.Outcome outcome = driver.outcome();
    if (!outcome.succeeded()) {
      store.fail(taskId, null, outcome.summary());
      console.status(nodeName + ": tuning failed: " + outcome.summary());
      return new Done(nodeName, taskId, ExecutionStatus.FAILED, outcome.summary());
    }
    String bestId = outcome.bestExecutionId().get();
    ExecutionDetail best = store.executionDetail(bestId);
    store.recordBestTrial(taskId, bestId);
    store.recordParameters(taskId, best.parameters());
    store.recordOutputs(taskId, best.outputs());
    store.succeed(taskId, null);
    console.status(nodeName + ": tuning succeeded: " + outcome.summary());
    return new Done(nodeName, taskId, ExecutionStatus.SUCCEEDED, outcome.summary());
  }

  /**
   * One execution, start to end; runs on a worker thread.
   *
   * @param overrides parameter values that replace the node's (a trial's)
   * @param onMetadata told each metadata line as it comes (a trial's early stopping), or null
   */
  private Done execute(
      String runId,
      String executionId,
      PlannedNode node,
      boolean reuse,
      String codeVersion,
      String device,
      Cancellation cancellation,
      Map<String, ParamValue> overrides,
      java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> onMetadata) {
    String name = node.name();
    ExecutionRecord self = store.execution(executionId);
    // What the console calls it: the node, or the node's trial.
    String label = self.isTrial() ? name + " trial " + self.trial() : name;
    if (cancellation.isCancelled()) {
      // Submitted in the same pass as the stop decision: it never starts.
      return new Done(name, executionId, ExecutionStatus.STOPPED, "not started: " + cancellation.reason().get());
    }
    NodeInputs nodeInputs = new NodeInputs(store, resolver, runId);
    ExecutionDirectory dir;
    Map<String, ParamValue> params;
    Map<String, List<dev.kiln.runner.exec.InputFile>> inputs;
    try {
      dir = ExecutionDirectory.create(config.kilnHome().resolve("executions").resolve(executionId));
      keepEarlierAttempt(dir);
      params = new LinkedHashMap<>(nodeInputs.parameters(node));
      params.putAll(overrides);
      inputs = nodeInputs.inputs(node, params);
    } catch (InputException | IOException e) {
      String message = "inputs: " + e.getMessage();
      store.fail(executionId, null, message);
      console.status(name + ": failed before it started: " + message);
      return new Done(name, executionId, ExecutionStatus.FAILED, message);
    }
    String cacheKey = CacheKey.of(node.step(), params, inputs, codeVersion);
    if (reuse) {
      Optional<Done> reused = tryReuse(executionId, name, cacheKey);
      if (reused.isPresent()) {
        return reused.get();
      }
    }
    ExecutorKind kind = kindOf(node.step());
    Executor executor = executors.get(kind);
    try {
      // Whatever an earlier attempt recorded goes, also one stopped between recording its
      // parameters and starting (attempt 0 then).
      store.clearAttempt(executionId);
      store.recordParameters(executionId, parameterRecords(node.step(), params));
      store.recordInputs(executionId, inputRecords(inputs));
      dir.placeInputs(inputs);
      dir.writeParameters(params);
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("valohai.execution-id", executionId);
      info.put("valohai.pipeline-id", runId);
      info.put("valohai.pipeline-node-id", name);
      info.put("valohai.step", node.step().name());
      info.put("valohai.commit", codeVersion);
      info.put("kiln.executor", kind.configName());
      dir.writeExecutionInfo(info);
    } catch (IOException e) {
      String message = "cannot prepare the execution directory " + dir.root() + ": " + e.getMessage();
      store.fail(executionId, null, message);
      return new Done(name, executionId, ExecutionStatus.FAILED, message);
    }
    if (executor == null) {
      String message = "no executor for " + kind.configName() + " steps is configured";
      store.fail(executionId, null, message);
      return new Done(name, executionId, ExecutionStatus.FAILED, message);
    }
    if (cancellation.isCancelled()) {
      return new Done(name, executionId, ExecutionStatus.STOPPED, "not started: " + cancellation.reason().get());
    }
    store.transitionExecution(
        executionId,
        ExecutionEvent.START,
        new ExecutionUpdate(kind.configName(), device, cacheKey, null, null));
    console.status(label + ": started (" + kind.configName() + ", " + device + ")");
    openLineage.ifPresent(
        ol -> ol.executionStarted(store.run(runId), store.executionDetail(executionId)));
    long started = System.nanoTime();
    ExecutionResult result;
    boolean interrupted = false;
    try (ExecutionRecorder recorder = new ExecutionRecorder(store, executionId, name, console)) {
      dev.kiln.runner.executor.ExecutionListener listener =
          onMetadata == null ? recorder : new Tap(recorder, onMetadata);
      try {
        result =
            executor.execute(
                new ExecutionRequest(
                    runId, executionId, name, node.step(), params, dir, config.workingDir(),
                    cancellation),
                listener);
      } catch (InterruptedException e) {
        interrupted = true;
        result = new ExecutionResult(false, true, Optional.empty(), "stopped", device);
      }
      if (!result.succeeded()) {
        recorder.note(result.detail());
      }
    }
    String elapsed = String.format("%.1fs", (System.nanoTime() - started) / 1e9);
    List<OutputFile> outputs;
    try {
      outputs = storeOutputs(dir);
      store.recordOutputs(executionId, outputs);
    } catch (ArtifactStoreException | IOException e) {
      String message =
          "could not store the outputs (" + e.getMessage() + "); they are kept in "
              + dir.outputsDir();
      if (!interrupted) {
        store.fail(executionId, result.exitCode().orElse(null), message);
      }
      console.status(name + ": failed: " + message);
      return new Done(name, executionId, ExecutionStatus.FAILED, message);
    }
    if (interrupted || result.stopped()) {
      // The run is being stopped; stopRun records every unfinished execution as stopped.
      return new Done(name, executionId, ExecutionStatus.STOPPED, "stopped");
    }
    if (result.succeeded()) {
      store.succeed(executionId, result.exitCode().orElse(null));
      console.status(label + ": succeeded in " + elapsed + " (" + outputs.size() + " output files)");
      return new Done(name, executionId, ExecutionStatus.SUCCEEDED, "succeeded");
    }
    store.fail(executionId, result.exitCode().orElse(null), result.detail());
    console.status(label + ": failed after " + elapsed + ": " + result.detail());
    return new Done(name, executionId, ExecutionStatus.FAILED, result.detail());
  }

  /** Records everything, and tells {@code onMetadata} each metadata line too. */
  private record Tap(
      ExecutionRecorder recorder,
      java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> onMetadata)
      implements dev.kiln.runner.executor.ExecutionListener {
    @Override
    public void line(dev.kiln.runner.process.OutputLine line) {
      recorder.line(line);
    }

    @Override
    public void metadata(com.fasterxml.jackson.databind.node.ObjectNode entry) {
      recorder.metadata(entry);
      onMetadata.accept(entry);
    }

    @Override
    public void device(String device) {
      recorder.device(device);
    }

    @Override
    public void processGroup(long group) {
      recorder.processGroup(group);
    }
  }

  private Optional<Done> tryReuse(String executionId, String name, String cacheKey) {
    Optional<ExecutionRecord> earlier = store.findReusable(cacheKey);
    if (earlier.isEmpty() || earlier.get().id().equals(executionId)) {
      return Optional.empty();
    }
    ExecutionDetail detail = detailOf(earlier.get());
    for (OutputFile o : detail.outputs()) {
      try {
        store.artifacts().verify(o.datumId());
      } catch (ArtifactStoreException e) {
        console.status(
            name + ": not reusing execution " + earlier.get().id() + ": output " + o.path()
                + " no longer verifies (" + e.getMessage() + ")");
        return Optional.empty();
      }
    }
    store.markReused(executionId, earlier.get().id());
    console.status(
        name + ": reused execution " + earlier.get().id() + " of run " + earlier.get().runId());
    return Optional.of(new Done(name, executionId, ExecutionStatus.REUSED, "reused"));
  }

  private ExecutionDetail detailOf(ExecutionRecord e) {
    return store.executionDetail(e.id());
  }

  private Done failSafely(String executionId, String node, Throwable e) {
    String message = "internal error: " + e;
    try {
      store.fail(executionId, null, message);
    } catch (RuntimeException again) {
      e.addSuppressed(again);
    }
    console.status(node + ": " + message);
    return new Done(node, executionId, ExecutionStatus.FAILED, message);
  }

  /** Moves an earlier attempt's outputs aside, so a retry starts clean and nothing is lost. */
  private static void keepEarlierAttempt(ExecutionDirectory dir) throws IOException {
    Path outputs = dir.outputsDir();
    try (Stream<Path> s = Files.list(outputs)) {
      if (s.findAny().isEmpty()) {
        return;
      }
    }
    int n = 1;
    Path target;
    do {
      target = dir.root().resolve("attempts").resolve(Integer.toString(n++)).resolve("outputs");
    } while (Files.exists(target));
    Files.createDirectories(target.getParent());
    Files.move(outputs, target);
    Files.createDirectories(outputs);
  }

  private List<OutputFile> storeOutputs(ExecutionDirectory dir) throws IOException {
    List<OutputFile> out = new ArrayList<>();
    Path root = dir.outputsDir();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      ArtifactRef ref = store.artifacts().put(f);
      out.add(
          new OutputFile(
              root.relativize(f).toString().replace('\\', '/'), ref.size(), ref.sha256(),
              ref.datumId()));
    }
    return out;
  }

  private static List<ParameterValue> parameterRecords(Step step, Map<String, ParamValue> params) {
    List<ParameterValue> out = new ArrayList<>();
    for (var e : params.entrySet()) {
      String type =
          step.parameter(e.getKey()).map(p -> p.type().yamlName()).orElse("string");
      out.add(ParameterValue.of(e.getKey(), ParamValues.toPlain(e.getValue()), type));
    }
    return out;
  }

  private static List<InputFile> inputRecords(
      Map<String, List<dev.kiln.runner.exec.InputFile>> inputs) {
    List<InputFile> out = new ArrayList<>();
    inputs.forEach(
        (name, files) -> {
          for (var f : files) {
            out.add(
                new InputFile(
                    name,
                    f.uri(),
                    f.relativePath(),
                    f.size(),
                    f.sha256(),
                    f.producer().orElse(null),
                    f.datumId().orElse(null)));
          }
        });
    return out;
  }

  private Optional<ResolvedFile> findDatum(String datumUri) {
    if (!store.artifacts().contains(datumUri)) {
      return Optional.empty();
    }
    Path file = store.artifacts().resolve(datumUri);
    try {
      long size = Files.size(file);
      String sha = dev.kiln.lineage.artifact.ArtifactStore.shaOf(datumUri);
      return Optional.of(
          new ResolvedFile(
              sha.substring(0, 12), file, datumUri, size, sha, Optional.of(datumUri),
              Optional.empty()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static ExecutorKind kindOf(Step step) {
    if (step.run() instanceof StepRun.Command) {
      return ExecutorKind.PROCESS;
    }
    ExecutorKind k = step.resources().executor();
    return k == ExecutorKind.PROCESS ? ExecutorKind.BEAM : k;
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
