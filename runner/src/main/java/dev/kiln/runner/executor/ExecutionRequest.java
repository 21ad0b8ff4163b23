package dev.kiln.runner.executor;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Step;
import dev.kiln.runner.exec.ExecutionDirectory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an executor needs for one execution.
 *
 * @param repositoryDir the code the step runs from (the working copy or a Git worktree)
 * @param cancellation how the orchestrator asks this execution to stop
 */
public record ExecutionRequest(
    String runId,
    String executionId,
    String nodeName,
    Step step,
    Map<String, ParamValue> parameters,
    ExecutionDirectory directory,
    Path repositoryDir,
    Cancellation cancellation) {
  public ExecutionRequest {
    Objects.requireNonNull(runId);
    Objects.requireNonNull(executionId);
    Objects.requireNonNull(nodeName);
    Objects.requireNonNull(step);
    parameters = Map.copyOf(parameters);
    Objects.requireNonNull(directory);
    Objects.requireNonNull(repositoryDir);
    Objects.requireNonNull(cancellation);
  }

  /** An execution nobody cancels (tests, {@code kiln exec}). */
  public ExecutionRequest(
      String runId,
      String executionId,
      String nodeName,
      Step step,
      Map<String, ParamValue> parameters,
      ExecutionDirectory directory,
      Path repositoryDir) {
    this(
        runId, executionId, nodeName, step, parameters, directory, repositoryDir,
        new Cancellation());
  }
}
