package dev.kiln.runner.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Runs a step's command lines as one shell script ({@code set -e}, so the first failing line fails
 * the step, as on Valohai) in the execution directory, streams each output line to a listener as
 * it arrives, and enforces the step's time limit and no-output timeout. The whole process tree is
 * killed when a limit passes or {@link #stop()} is called.
 */
public final class CommandProcess {
  /** Lines longer than this are split, so one runaway line cannot exhaust memory. */
  static final int MAX_LINE_BYTES = 1 << 20;

  private final List<String> lines;
  private final Path workDir;
  private final Map<String, String> environment;
  private final Optional<Duration> timeLimit;
  private final Optional<Duration> noOutputTimeout;
  private final Clock clock;
  /**
   * Runs the step script ($1) with stdin from /dev/null, and a watcher that reads the wrapper's
   * stdin (a pipe from Kiln) until it closes, then kills the whole process group: the step does
   * not outlive a Kiln that was killed. The wrapper exits with the script's status.
   */
  static final String WATCHED =
      "exec 3<&0\n"
          + "bash \"$1\" </dev/null &\n"
          + "child=$!\n"
          + "{ while read -r _; do :; done; kill -KILL -- -$$ 2>/dev/null || kill -KILL \"$child\"; }"
          + " <&3 >/dev/null 2>&1 &\n"
          + "watcher=$!\n"
          + "exec 3<&-\n"
          + "wait \"$child\"\n"
          + "rc=$?\n"
          + "kill \"$watcher\" 2>/dev/null\n"
          + "exit $rc\n";

  private volatile Process process;
  private volatile OutputStream parentPipe;
  private LongConsumer processStarted = pid -> {};
  private volatile boolean stopRequested;

  public CommandProcess(
      List<String> lines,
      Path workDir,
      Map<String, String> environment,
      Optional<Duration> timeLimit,
      Optional<Duration> noOutputTimeout) {
    this(lines, workDir, environment, timeLimit, noOutputTimeout, Clock.systemUTC());
  }

  CommandProcess(
      List<String> lines,
      Path workDir,
      Map<String, String> environment,
      Optional<Duration> timeLimit,
      Optional<Duration> noOutputTimeout,
      Clock clock) {
    this.lines = List.copyOf(lines);
    this.workDir = Objects.requireNonNull(workDir);
    this.environment = Map.copyOf(environment);
    this.timeLimit = Objects.requireNonNull(timeLimit);
    this.noOutputTimeout = Objects.requireNonNull(noOutputTimeout);
    this.clock = clock;
  }

  /**
   * Runs to the end. The listener is called from two reader threads (one per stream), one line at
   * a time per stream; it must be thread-safe.
   */
  public ProcessOutcome run(Consumer<OutputLine> listener) throws InterruptedException {
    Instant start = clock.instant();
    Path script;
    try {
      script = writeScript();
    } catch (IOException e) {
      return new ProcessOutcome(
          ProcessOutcome.Ending.FAILED_TO_START, -1, Duration.ZERO,
          "cannot write the command script in " + workDir + ": " + e.getMessage());
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                ProcessGroups.inOwnGroup(List.of("bash", "-c", WATCHED, "kiln-step", script.toString())))
            .directory(workDir.toFile());
    pb.environment().putAll(environment);
    try {
      process = pb.start();
    } catch (IOException e) {
      return new ProcessOutcome(
          ProcessOutcome.Ending.FAILED_TO_START, -1, Duration.ZERO,
          "cannot start bash: " + e.getMessage());
    }
    // The step's stdin is /dev/null; the pipe to the wrapper stays open while Kiln lives, and its
    // end (Kiln exits or is killed with -9) makes the wrapper kill the step's process group.
    parentPipe = process.getOutputStream();
    processStarted.accept(process.pid());
    AtomicLong lastOutput = new AtomicLong(System.nanoTime());
    Thread out = pump(process.getInputStream(), OutputLine.Stream.STDOUT, listener, lastOutput);
    Thread err = pump(process.getErrorStream(), OutputLine.Stream.STDERR, listener, lastOutput);
    ProcessOutcome.Ending ending = null;
    String detail = "";
    long deadline = timeLimit.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
    try {
      while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
        long now = System.nanoTime();
        if (stopRequested) {
          ending = ProcessOutcome.Ending.STOPPED;
          detail = "stopped";
        } else if (now > deadline) {
          ending = ProcessOutcome.Ending.TIME_LIMIT;
          detail = "time limit of " + format(timeLimit.get()) + " reached";
        } else if (noOutputTimeout.isPresent()
            && now - lastOutput.get() > noOutputTimeout.get().toNanos()) {
          ending = ProcessOutcome.Ending.NO_OUTPUT_TIMEOUT;
          detail = "no output for " + format(noOutputTimeout.get());
        }
        if (ending != null) {
          killTree();
          process.waitFor();
          break;
        }
      }
    } catch (InterruptedException e) {
      killTree();
      throw e;
    } finally {
      closeParentPipe();
      out.join(5_000);
      err.join(5_000);
    }
    Duration elapsed = Duration.between(start, clock.instant());
    if (ending != null) {
      return new ProcessOutcome(ending, -1, elapsed, detail);
    }
    int code = process.exitValue();
    return new ProcessOutcome(ProcessOutcome.Ending.EXITED, code, elapsed, describeExit(code));
  }

  /** Called with the pid of the process started, which leads the step's process group. */
  public CommandProcess onStart(LongConsumer listener) {
    this.processStarted = Objects.requireNonNull(listener);
    return this;
  }

  /** What the operating system does when Kiln dies: the wrapper sees its pipe close. For tests. */
  void closeParentPipe() {
    OutputStream pipe = parentPipe;
    if (pipe != null) {
      try {
        pipe.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  /** Asks the running process to stop; {@link #run} then returns {@code STOPPED}. */
  public void stop() {
    stopRequested = true;
  }

  private Path writeScript() throws IOException {
    Path config = workDir.resolve("config");
    Files.createDirectories(config);
    Path script = config.resolve("command.sh");
    StringBuilder sb = new StringBuilder("set -e\n");
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    Files.writeString(script, sb.toString(), StandardCharsets.UTF_8);
    return script;
  }

  private void killTree() {
    Process p = process;
    if (p == null) {
      return;
    }
    ProcessGroups.killGroup(p.pid());
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private Thread pump(
      InputStream in, OutputLine.Stream stream, Consumer<OutputLine> listener, AtomicLong last) {
    Thread t =
        new Thread(
            () -> {
              ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
              byte[] chunk = new byte[8192];
              try (in) {
                int n;
                while ((n = in.read(chunk)) > 0) {
                  last.set(System.nanoTime());
                  for (int i = 0; i < n; i++) {
                    byte b = chunk[i];
                    if (b == '\n' || buf.size() >= MAX_LINE_BYTES) {
                      emit(buf, stream, listener);
                      if (b == '\n') {
                        continue;
                      }
                    }
                    buf.write(b);
                  }
                }
              } catch (IOException e) {
                // The stream closes when the process is killed; what was read is kept.
              }
              if (buf.size() > 0) {
                emit(buf, stream, listener);
              }
            },
            "kiln-" + stream.name().toLowerCase(Locale.ROOT));
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void emit(ByteArrayOutputStream buf, OutputLine.Stream stream, Consumer<OutputLine> l) {
    String text = buf.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    buf.reset();
    l.accept(new OutputLine(clock.instant(), stream, text));
  }

  private static String describeExit(int code) {
    return switch (code) {
      case 0 -> "exited with 0";
      case 126 -> "exited with 126: a command was found but is not executable";
      case 127 -> "exited with 127: a command was not found (see the log for its name)";
      default -> code > 128 ? "killed by signal " + (code - 128) : "exited with " + code;
    };
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    StringBuilder sb = new StringBuilder();
    if (s >= 3600) {
      sb.append(s / 3600).append("h ");
    }
    if (s % 3600 >= 60) {
      sb.append(s % 3600 / 60).append("m ");
    }
    if (s % 60 > 0 || sb.length() == 0) {
      sb.append(s % 60).append('s');
    }
    return sb.toString().trim();
  }
}
