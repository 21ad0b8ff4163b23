package dev.kiln.runner.executor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.runner.process.OutputLine;

/** Receives what an execution says while it runs. Must be thread-safe. */
public interface ExecutionListener {
  /** A log line (stdout or stderr). */
  void line(OutputLine line);

  /** A metadata entry (already stamped with {@code _time}). */
  void metadata(ObjectNode entry);

  /** The device the execution computes on, when the step reports one. */
  default void device(String device) {}

  /** The step's process started and leads process group {@code group} (for crash recovery). */
  default void processGroup(long group) {}
}
