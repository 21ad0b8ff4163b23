package dev.kiln.runner.git;

import dev.kiln.lineage.model.RunStatus;
import java.util.Objects;

/**
 * The run one commit gave.
 *
 * @param summary one line for a person; for a commit whose pipeline could not be loaded, the
 *     located problems (also recorded as the run's failure detail)
 */
public record TriggeredRun(String sha, String runId, RunStatus status, String summary) {
  public TriggeredRun {
    Objects.requireNonNull(sha, "sha");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(summary, "summary");
  }
}
