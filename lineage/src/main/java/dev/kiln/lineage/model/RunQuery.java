package dev.kiln.lineage.model;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A page of the run list, newest first. {@code pipeline} and {@code status} filter when not null.
 * {@code limit} is 1..1000.
 */
public record RunQuery(String pipeline, RunStatus status, int offset, int limit) {
  public static final int MAX_LIMIT = 1000;

  public RunQuery {
    checkArgument(offset >= 0, "offset must be >= 0, got %s", offset);
    checkArgument(
        limit >= 1 && limit <= MAX_LIMIT, "limit must be 1..%s, got %s", MAX_LIMIT, limit);
  }

  /** The first 50 runs of any pipeline and status. */
  public static RunQuery newest() {
    return new RunQuery(null, null, 0, 50);
  }

  public RunQuery withPipeline(String pipeline) {
    return new RunQuery(pipeline, status, offset, limit);
  }

  public RunQuery withStatus(RunStatus status) {
    return new RunQuery(pipeline, status, offset, limit);
  }

  public RunQuery page(int offset, int limit) {
    return new RunQuery(pipeline, status, offset, limit);
  }
}
