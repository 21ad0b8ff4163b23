package dev.kiln.runner.executor;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.command.CommandExpander;
import dev.kiln.runner.process.CommandProcess;
import dev.kiln.runner.process.MetadataLines;
import dev.kiln.runner.process.OutputLine;
import dev.kiln.runner.process.ProcessOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a step's shell command in its execution directory: expands {@code {parameters}}, rewrites
 * Valohai's {@code /valohai/...} paths, passes the {@code VH_*} variables, and turns every stdout
 * line that is a JSON object into a metadata entry.
 */
public final class ProcessExecutor implements Executor {
  private final Map<String, String> baseEnvironment;

  /** @param baseEnvironment variables every execution gets besides the {@code VH_*} ones */
  public ProcessExecutor(Map<String, String> baseEnvironment) {
    this.baseEnvironment = Map.copyOf(baseEnvironment);
  }

  @Override
  public ExecutorKind kind() {
    return ExecutorKind.PROCESS;
  }

  @Override
  public ExecutionResult execute(ExecutionRequest request, ExecutionListener listener)
      throws InterruptedException {
    if (!(request.step().run() instanceof StepRun.Command command)) {
      throw new IllegalArgumentException(
          "step " + request.step().name() + " is a Java step, not a command");
    }
    List<String> lines;
    try {
      lines =
          CommandExpander.expand(
              command.lines(), request.step().parameters(), request.parameters());
    } catch (IllegalArgumentException e) {
      return new ExecutionResult(false, false, Optional.empty(), e.getMessage(), "cpu");
    }
    List<String> rewritten = new ArrayList<>();
    for (String line : lines) {
      rewritten.add(request.directory().rewriteValohaiPaths(line, request.repositoryDir()));
    }
    Map<String, String> env = new LinkedHashMap<>(baseEnvironment);
    env.putAll(request.step().environmentVariables());
    env.putAll(
        request
            .directory()
            .environment(
                request.executionId(),
                request.runId(),
                request.nodeName(),
                request.repositoryDir()));
    CommandProcess process =
        new CommandProcess(
            rewritten,
            request.directory().root(),
            env,
            request.step().timeLimit(),
            request.step().noOutputTimeout());
    process.onStart(listener::processGroup);
    request.cancellation().onCancel(process::stop);
    ProcessOutcome outcome =
        process.run(
            line -> {
              listener.line(line);
              if (line.stream() == OutputLine.Stream.STDOUT) {
                MetadataLines.parse(line.text(), line.time()).ifPresent(listener::metadata);
              }
            });
    Optional<Integer> code =
        outcome.ending() == ProcessOutcome.Ending.EXITED
            ? Optional.of(outcome.exitCode())
            : Optional.empty();
    return new ExecutionResult(
        outcome.succeeded(),
        outcome.ending() == ProcessOutcome.Ending.STOPPED,
        code,
        outcome.detail(),
        "cpu");
  }
}
