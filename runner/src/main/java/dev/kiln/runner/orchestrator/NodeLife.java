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
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.pipelines.ExecutorKind;
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
import dev.kiln.runner.plan.PlannedNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The life of one execution, a node's or a trial's, on a worker thread: its inputs and parameters
 * from the store, the cache, its folder, the dispatch to its executor, its outputs into the
 * artifact store, and each state change recorded before it is acted on. The scheduler ({@link
 * Orchestrator}) decides when it runs and on which slot ({@link ResourcePool}).
 */
final class NodeLife {
  private final LineageStore store;
  private final OrchestratorConfig config;
  private final Map<ExecutorKind, Executor> executors;
  private final Console console;
  private final InputResolver resolver;
  private final List<RunListener> listeners;

  NodeLife(
      LineageStore store,
      OrchestratorConfig config,
      Map<ExecutorKind, Executor> executors,
      Console console,
      List<RunListener> listeners) {
    this.store = store;
    this.config = config;
    this.executors = Map.copyOf(executors);
    this.console = console;
    this.listeners = List.copyOf(listeners);
    this.resolver =
        new InputResolver(
            config.workingDir(),
            config.kilnHome().resolve("cache/http"),
            this::findDatum,
            // s3:// inputs share the artifact store's client when the artifacts are in S3
            () ->
                store
                    .artifacts()
                    .s3()
                    .orElseGet(
                        () ->
                            dev.kiln.lineage.artifact.S3Storage.fromEnvironment(System.getenv())));
  }

  /**
   * One execution, start to end; runs on a worker thread.
   *
   * @param overrides parameter values that replace the node's (a trial's)
   * @param onMetadata told each metadata line as it comes (a trial's early stopping), or null
   */
  ExecutionEnd execute(
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
      return new ExecutionEnd(name, executionId, ExecutionStatus.STOPPED, "not started: " + cancellation.reason().get());
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
      return new ExecutionEnd(name, executionId, ExecutionStatus.FAILED, message);
    }
    String cacheKey = CacheKey.of(node.step(), params, inputs, codeVersion);
    if (reuse) {
      Optional<ExecutionEnd> reused = tryReuse(executionId, name, cacheKey);
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
      return new ExecutionEnd(name, executionId, ExecutionStatus.FAILED, message);
    }
    if (executor == null) {
      String message = "no executor for " + kind.configName() + " steps is configured";
      store.fail(executionId, null, message);
      return new ExecutionEnd(name, executionId, ExecutionStatus.FAILED, message);
    }
    if (cancellation.isCancelled()) {
      return new ExecutionEnd(name, executionId, ExecutionStatus.STOPPED, "not started: " + cancellation.reason().get());
    }
    store.transitionExecution(
        executionId,
        ExecutionEvent.START,
        new ExecutionUpdate(kind.configName(), device, cacheKey, null, null));
    console.status(label + ": started (" + kind.configName() + ", " + device + ")");
    listeners.forEach(l -> l.executionStarted(runId, executionId));
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
      return new ExecutionEnd(name, executionId, ExecutionStatus.FAILED, message);
    }
    if (interrupted || result.stopped()) {
      // The run is being stopped; stopRun records every unfinished execution as stopped.
      return new ExecutionEnd(name, executionId, ExecutionStatus.STOPPED, "stopped");
    }
    if (result.succeeded()) {
      // The device recorded is the one the executor says it used, not the slot's guess.
      store.transitionExecution(
          executionId,
          ExecutionEvent.SUCCEED,
          new ExecutionUpdate(null, result.device(), null, result.exitCode().orElse(null), null));
      console.status(label + ": succeeded in " + elapsed + " (" + outputs.size() + " output files)");
      return new ExecutionEnd(name, executionId, ExecutionStatus.SUCCEEDED, "succeeded");
    }
    store.fail(executionId, result.exitCode().orElse(null), result.detail());
    console.status(label + ": failed after " + elapsed + ": " + result.detail());
    return new ExecutionEnd(name, executionId, ExecutionStatus.FAILED, result.detail());
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

  private Optional<ExecutionEnd> tryReuse(String executionId, String name, String cacheKey) {
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
    return Optional.of(new ExecutionEnd(name, executionId, ExecutionStatus.REUSED, "reused"));
  }

  private ExecutionDetail detailOf(ExecutionRecord e) {
    return store.executionDetail(e.id());
  }

  ExecutionEnd failSafely(String executionId, String node, Throwable e) {
    String message = "internal error: " + e;
    try {
      store.fail(executionId, null, message);
    } catch (RuntimeException again) {
      e.addSuppressed(again);
    }
    console.status(node + ": " + message);
    return new ExecutionEnd(node, executionId, ExecutionStatus.FAILED, message);
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

  Optional<ResolvedFile> findDatum(String datumUri) {
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
}
