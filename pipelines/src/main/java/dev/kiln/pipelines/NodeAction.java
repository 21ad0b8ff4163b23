package dev.kiln.pipelines;

import java.util.List;

/**
 * A node action: at the moments in {@code when} ({@code node-starting}, {@code node-complete},
 * {@code node-error}), if the conditions in {@code conditions} hold, do what {@code then} says
 * ({@code stop-pipeline}, {@code require-approval}, {@code noop}).
 */
public record NodeAction(List<String> when, List<String> conditions, List<String> then) {
  public NodeAction {
    when = List.copyOf(when);
    conditions = List.copyOf(conditions);
    then = List.copyOf(then);
  }
}
