package dev.kiln.runner.orchestrator;

import dev.kiln.lineage.model.CommitInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a pipeline.
 *
 * @param source where the pipeline came from ({@code path/valohai.yaml} or {@code dsl:NAME}), so
 *     {@code kiln resume} can load it again
 * @param params the {@code --param} values, kept with the run for resume
 * @param inputs the {@code --input} URIs, kept with the run for resume
 * @param reuse reuse finished executions with the same cache key (besides the pipeline's own
 *     {@code reuse-executions})
 * @param maxRetries attempts after the first for nodes whose {@code on-error} is {@code retry}
 */
public record RunOptions(
    String source,
    Map<String, List<String>> params,
    Map<String, List<String>> inputs,
    Optional<CommitInfo> commit,
    boolean reuse,
    int maxRetries,
    Duration retryBackoff) {
  public RunOptions {
    Objects.requireNonNull(source);
    params = Map.copyOf(params);
    inputs = Map.copyOf(inputs);
    Objects.requireNonNull(commit);
    Objects.requireNonNull(retryBackoff);
  }

  public static RunOptions of(String source) {
    return new RunOptions(
        source, Map.of(), Map.of(), Optional.empty(), false, 2, Duration.ofSeconds(1));
  }

  public RunOptions withParams(Map<String, List<String>> p) {
    return new RunOptions(source, p, inputs, commit, reuse, maxRetries, retryBackoff);
  }

  public RunOptions withInputs(Map<String, List<String>> i) {
    return new RunOptions(source, params, i, commit, reuse, maxRetries, retryBackoff);
  }

  public RunOptions withCommit(CommitInfo c) {
    return new RunOptions(
        source, params, inputs, Optional.ofNullable(c), reuse, maxRetries, retryBackoff);
  }

  public RunOptions withReuse(boolean r) {
    return new RunOptions(source, params, inputs, commit, r, maxRetries, retryBackoff);
  }

  public RunOptions withRetries(int count, Duration backoff) {
    return new RunOptions(source, params, inputs, commit, reuse, count, backoff);
  }
}
