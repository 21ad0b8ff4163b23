package dev.kiln.runner.executor.slurm;

import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.command.CommandExpander;
import dev.kiln.runner.executor.ExecutionListener;
import dev.kiln.runner.executor.ExecutionRequest;
import dev.kiln.runner.executor.ExecutionResult;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.process.MetadataLines;
import dev.kiln.runner.process.OutputLine;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command step as a Slurm batch job. The step's command script is the one the local
 * executor runs ({@code config/command.sh}); {@code slurm-job.sh} wraps it with the step's
 * resources as {@code #SBATCH} lines. The job's id goes to {@code slurm-job-id} in the execution
 * folder before Kiln follows it, so a Kiln that died can find the job again: an execution run
 * again (by {@code kiln resume}) whose recorded job is still pending or running is followed, not
 * submitted a second time.
 * While the job runs its output files are tailed into the listener, JSON lines on standard output
 * becoming metadata as with the local executor. Slurm enforces the time limit ({@code --time});
 * Kiln enforces the no-output timeout and a stop with {@code scancel}.
 */
public final class SlurmExecutor implements Executor {
  /** The Slurm job id of the execution's latest attempt, in its folder. */
  public static final String JOB_ID_FILE = "slurm-job-id";

  public static final String SCRIPT_FILE = "slurm-job.sh";

  private static final long TAIL_MS = 100;

  private final Map<String, String> baseEnvironment;
  private final SlurmSettings settings;

  /** @param baseEnvironment variables every job gets besides the {@code VH_*} ones */
  public SlurmExecutor(Map<String, String> baseEnvironment, SlurmSettings settings) {
    this.baseEnvironment = Map.copyOf(baseEnvironment);
    this.settings = settings;
  }

  @Override
  public ExecutorKind kind() {
    return ExecutorKind.PROCESS;
  }

  /** Whether {@code sbatch} is on this machine's {@code PATH}. */
  public static boolean available() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "sbatch"))) {
        return true;
      }
    }
    return false;
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
      return new ExecutionResult(false, false, Optional.empty(), e.getMessage(), "slurm");
    }
    Path root = request.directory().root();
    // A job of an earlier orchestrator (killed, the machine rebooted) still pending or running in
    // this folder: collect it. A second job would run beside it in the same folder, and its
    // command script must not be rewritten under it (bash reads a script as it runs).
    Optional<String> earlier;
    try {
      earlier = recordedJobId(root);
    } catch (java.io.UncheckedIOException e) {
      earlier = Optional.empty();
    }
    if (earlier.isPresent()) {
      Optional<SlurmJob> job = query(earlier.get());
      if (job.isPresent() && !job.get().terminal()) {
        note(
            listener,
            "collecting Slurm job " + earlier.get() + " (" + job.get().state()
                + "), submitted by an earlier orchestrator");
        return follow(request, listener, earlier.get());
      }
    }
    StringBuilder commandScript = new StringBuilder("set -e\n");
    for (String line : lines) {
      commandScript
          .append(request.directory().rewriteValohaiPaths(line, request.repositoryDir()))
          .append('\n');
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
    List<String> options =
        SlurmBatchScript.options(
            request.step(), settings, "kiln-" + request.nodeName(), root);
    Path script = root.resolve(SCRIPT_FILE);
    try {
      Files.createDirectories(request.directory().configDir());
      Files.writeString(
          request.directory().configDir().resolve("command.sh"),
          commandScript.toString(),
          StandardCharsets.UTF_8);
      Files.writeString(
          script,
          SlurmBatchScript.script(options, env, root, request.executionId()),
          StandardCharsets.UTF_8);
      // A retry's job writes its own output.
      Files.deleteIfExists(root.resolve(SlurmBatchScript.STDOUT_FILE));
      Files.deleteIfExists(root.resolve(SlurmBatchScript.STDERR_FILE));
      Files.deleteIfExists(root.resolve(JOB_ID_FILE));
    } catch (IOException e) {
      return new ExecutionResult(
          false, false, Optional.empty(),
          "cannot write the Slurm batch script in " + root + ": " + e.getMessage(), "slurm");
    }
    if (request.cancellation().isCancelled()) {
      return new ExecutionResult(false, true, Optional.empty(), "stopped before submission", "slurm");
    }
    Cli.Result submitted = Cli.run(List.of("sbatch", "--parsable", script.toString()));
    if (submitted.rc() != 0) {
      return new ExecutionResult(
          false, false, Optional.empty(),
          "sbatch failed (exit " + submitted.rc() + "): " + submitted.errOrOut(), "slurm");
    }
    String jobId = submitted.out().strip().split(";")[0];
    if (!jobId.matches("[0-9]+(_[0-9]+)?")) {
      return new ExecutionResult(
          false, false, Optional.empty(),
          "sbatch printed no job id: " + submitted.errOrOut(), "slurm");
    }
    try {
      Files.writeString(root.resolve(JOB_ID_FILE), jobId + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      Cli.run(List.of("scancel", jobId));
      return new ExecutionResult(
          false, false, Optional.empty(),
          "cannot record Slurm job " + jobId + " in " + root + " (cancelled it): " + e.getMessage(),
          "slurm");
    }
    return follow(request, listener, jobId);
  }

  /** The job id recorded in an execution folder, when a job was submitted for it. */
  public static Optional<String> recordedJobId(Path executionDir) {
    try {
      String s = Files.readString(executionDir.resolve(JOB_ID_FILE), StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Follows job {@code jobId} of {@code request}'s execution to its end without submitting
   * anything: streams the output that is not yet read (from the start of the files, so a resumed
   * Kiln re-reads what it saw before it died), cancels on the request's cancellation, and maps
   * Slurm's final state to the result.
   */
  public ExecutionResult follow(ExecutionRequest request, ExecutionListener listener, String jobId)
      throws InterruptedException {
    Path root = request.directory().root();
    Tail out = new Tail(root.resolve(SlurmBatchScript.STDOUT_FILE), OutputLine.Stream.STDOUT);
    Tail err = new Tail(root.resolve(SlurmBatchScript.STDERR_FILE), OutputLine.Stream.STDERR);
    java.util.concurrent.atomic.AtomicBoolean stopAsked =
        new java.util.concurrent.atomic.AtomicBoolean();
    request.cancellation().onCancel(() -> stopAsked.set(true));
    Optional<java.time.Duration> noOutput = request.step().noOutputTimeout();
    long lastOutput = System.nanoTime();
    long nextPoll = 0;
    boolean cancelSent = false;
    String stoppedWhy = null;
    String lastPending = null;
    boolean nodeSeen = false;
    int unknown = 0;
    SlurmJob job = null;
    try {
      while (true) {
        if (out.poll(listener) | err.poll(listener)) {
          lastOutput = System.nanoTime();
        }
        if (stopAsked.get() && !cancelSent) {
          cancelSent = true;
          stoppedWhy = "stopped";
          Cli.run(List.of("scancel", jobId));
        }
        long now = System.nanoTime();
        if (now >= nextPoll) {
          nextPoll = now + settings.pollInterval().toNanos();
          Optional<SlurmJob> state = query(jobId);
          if (state.isEmpty()) {
            if (++unknown > 20) {
              return new ExecutionResult(
                  false, false, Optional.empty(),
                  "Slurm knows no job " + jobId + " (neither scontrol nor sacct)", "slurm");
            }
          } else {
            unknown = 0;
            job = state.get();
            if (job.state().equals("PENDING") && !job.reason().equals(lastPending)) {
              lastPending = job.reason();
              note(listener, "Slurm job " + jobId + " pending (" + job.reason() + ")");
            }
            if (!nodeSeen && job.running() && job.node().isPresent()) {
              nodeSeen = true;
              listener.device("slurm:" + job.node().get());
              note(listener, "Slurm job " + jobId + " running on " + job.node().get());
            }
            if (job.terminal()) {
              break;
            }
            if (job.running()) {
              // Time spent pending is not silence.
              if (noOutput.isPresent()
                  && !cancelSent
                  && now - lastOutput > noOutput.get().toNanos()) {
                cancelSent = true;
                stoppedWhy = "no output for " + noOutput.get().toSeconds() + "s";
                Cli.run(List.of("scancel", jobId));
              }
            } else {
              lastOutput = now;
            }
          }
        }
        Thread.sleep(TAIL_MS);
      }
    } catch (InterruptedException e) {
      // The job must not outlive a caller that gave up on it.
      Cli.run(List.of("scancel", jobId));
      throw e;
    }
    // The batch host may write the last bytes just before Slurm reports the end.
    for (int i = 0; i < 3; i++) {
      boolean more = out.poll(listener) | err.poll(listener);
      if (!more && i > 0) {
        break;
      }
      Thread.sleep(TAIL_MS);
    }
    out.finish(listener);
    err.finish(listener);
    return result(job, stoppedWhy);
  }

  static ExecutionResult result(SlurmJob job, String stoppedWhy) {
    String where =
        "Slurm job " + job.id() + job.node().map(n -> " on " + n).orElse("");
    String device = "slurm" + job.node().map(n -> ":" + n).orElse("");
    if (job.state().equals("COMPLETED")) {
      return new ExecutionResult(true, false, Optional.of(0), "exited with 0 (" + where + ")", device);
    }
    if (job.state().equals("CANCELLED") && stoppedWhy != null) {
      boolean stop = stoppedWhy.equals("stopped");
      return new ExecutionResult(
          false, stop, Optional.empty(), stoppedWhy + " (" + where + " cancelled)", device);
    }
    if (job.killedBySlurm()) {
      return new ExecutionResult(
          false, false, Optional.empty(),
          "Slurm " + job.state() + ": " + describeKill(job) + " (" + where + ", reason "
              + job.reason() + ")",
          device);
    }
    if (job.state().equals("FAILED")) {
      String what =
          job.signal() > 0 ? "killed by signal " + job.signal() : "exited with " + job.exitCode();
      return new ExecutionResult(
          false, false, job.signal() > 0 ? Optional.empty() : Optional.of(job.exitCode()),
          what + " (" + where + ")", device);
    }
    return new ExecutionResult(
        false, false, Optional.empty(),
        "Slurm " + job.state() + " (" + where + ", reason " + job.reason() + ")", device);
  }

  private static String describeKill(SlurmJob job) {
    switch (job.state()) {
      case "TIMEOUT":
        return "the job reached its time limit (--time)";
      case "PREEMPTED":
        return "the job was preempted";
      case "NODE_FAIL":
        return "its node failed";
      case "OUT_OF_MEMORY":
        return "the job ran out of memory (--mem)";
      default:
        return "the job was ended by Slurm";
    }
  }

  /** {@code scontrol} while Slurm remembers the job, else {@code sacct} (accounting). */
  static Optional<SlurmJob> query(String jobId) {
    Cli.Result r = Cli.run(List.of("scontrol", "-o", "show", "job", jobId));
    if (r.rc() == 0) {
      for (String line : r.out().split("\n")) {
        Optional<SlurmJob> j = SlurmJob.parseScontrol(jobId, line);
        if (j.isPresent()) {
          return j;
        }
      }
    }
    Cli.Result s =
        Cli.run(
            List.of(
                "sacct", "-X", "-n", "-P", "-j", jobId,
                "-o", "JobID,State,ExitCode,NodeList,Reason"));
    return s.rc() == 0 ? SlurmJob.parseSacct(jobId, s.out()) : Optional.empty();
  }

  private static void note(ExecutionListener listener, String text) {
    listener.line(new OutputLine(Instant.now(), OutputLine.Stream.STDERR, "[kiln] " + text));
  }

  /** Reads what a job appended to one of its output files since the last call. */
  static final class Tail {
    private final Path file;
    private final OutputLine.Stream stream;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long position;

    Tail(Path file, OutputLine.Stream stream) {
      this.file = file;
      this.stream = stream;
    }

    /** Emits the complete lines that arrived; true when any byte did. */
    boolean poll(ExecutionListener listener) {
      if (!Files.exists(file)) {
        return false;
      }
      boolean any = false;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = ch.read(buf, position)) > 0) {
          any = true;
          position += n;
          for (int i = 0; i < n; i++) {
            byte b = buf.get(i);
            if (b == '\n') {
              emit(listener);
            } else {
              partial.write(b);
              if (partial.size() >= (1 << 20)) {
                emit(listener);
              }
            }
          }
          buf.clear();
        }
      } catch (IOException e) {
        // The file is read again on the next poll.
      }
      return any;
    }

    void finish(ExecutionListener listener) {
      if (partial.size() > 0) {
        emit(listener);
      }
    }

    private void emit(ExecutionListener listener) {
      String text = partial.toString(StandardCharsets.UTF_8);
      partial.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      OutputLine line = new OutputLine(Instant.now(), stream, text);
      listener.line(line);
      if (stream == OutputLine.Stream.STDOUT) {
        MetadataLines.parse(line.text(), line.time()).ifPresent(listener::metadata);
      }
    }
  }

  /** Runs one Slurm command and collects its output. */
  static final class Cli {
    record Result(int rc, String out, String err) {
      String errOrOut() {
        String s = err.isBlank() ? out : err;
        return s.strip();
      }
    }

    static Result run(List<String> command) {
      Path errFile = null;
      try {
        errFile = Files.createTempFile("kiln-slurm", ".err");
        Process p =
            new ProcessBuilder(new ArrayList<>(command))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(errFile.toFile())
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(124, "", command.get(0) + " did not answer within 60s");
        }
        return new Result(
            p.exitValue(),
            new String(out, StandardCharsets.UTF_8),
            Files.readString(errFile, StandardCharsets.UTF_8));
      } catch (IOException e) {
        return new Result(127, "", "cannot run " + command.get(0) + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(130, "", command.get(0) + " interrupted");
      } finally {
        if (errFile != null) {
          try {
            Files.deleteIfExists(errFile);
          } catch (IOException e) {
            // a temporary file left behind
          }
        }
      }
    }
  }
}
