package dev.kiln.runner.orchestrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.LogStream;
import dev.kiln.lineage.model.NewLogLine;
import dev.kiln.lineage.model.NewMetadata;
import dev.kiln.runner.executor.ExecutionListener;
import dev.kiln.runner.process.OutputLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores an execution's log lines and metadata in batches (every 200 lines or 250 ms, and at the
 * end), and echoes lines to the console with the node's name.
 */
final class ExecutionRecorder implements ExecutionListener, AutoCloseable {
  private static final int BATCH = 200;
  private static final long FLUSH_NANOS = 250_000_000L;

  private final LineageStore store;
  private final String executionId;
  private final String node;
  private final Console console;
  private final List<NewLogLine> lines = new ArrayList<>();
  private final List<NewMetadata> metadata = new ArrayList<>();
  private long lastFlush = System.nanoTime();
  private long lineCount;
  private long metadataCount;

  ExecutionRecorder(LineageStore store, String executionId, String node, Console console) {
    this.store = store;
    this.executionId = executionId;
    this.node = node;
    this.console = console;
  }

  @Override
  public void processGroup(long group) {
    store.recordProcessGroup(executionId, group);
  }

  @Override
  public synchronized void line(OutputLine line) {
    boolean err = line.stream() == OutputLine.Stream.STDERR;
    console.stepLine(node, err, line.text());
    lines.add(new NewLogLine(err ? LogStream.STDERR : LogStream.STDOUT, line.time(), line.text()));
    lineCount++;
    maybeFlush();
  }

  @Override
  public synchronized void metadata(ObjectNode entry) {
    Instant t;
    try {
      t = Instant.parse(entry.path("_time").asText());
    } catch (RuntimeException e) {
      t = Instant.now();
    }
    metadata.add(new NewMetadata(t, entry.toString()));
    metadataCount++;
    maybeFlush();
  }

  /** A line of Kiln's own about this execution, stored with its log. */
  synchronized void note(String text) {
    lines.add(new NewLogLine(LogStream.STDERR, Instant.now(), "[kiln] " + text));
    maybeFlush();
  }

  synchronized long lineCount() {
    return lineCount;
  }

  synchronized long metadataCount() {
    return metadataCount;
  }

  private void maybeFlush() {
    if (lines.size() + metadata.size() >= BATCH || System.nanoTime() - lastFlush > FLUSH_NANOS) {
      flush();
    }
  }

  synchronized void flush() {
    if (!lines.isEmpty()) {
      store.appendLogs(executionId, List.copyOf(lines));
      lines.clear();
    }
    if (!metadata.isEmpty()) {
      store.appendMetadata(executionId, List.copyOf(metadata));
      metadata.clear();
    }
    lastFlush = System.nanoTime();
  }

  @Override
  public void close() {
    flush();
  }
}
