package dev.kiln.runner.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandProcessTest {
  @TempDir Path dir;

  private final List<OutputLine> lines = new CopyOnWriteArrayList<>();

  private ProcessOutcome run(List<String> commands, Duration limit, Duration silence)
      throws InterruptedException {
    return new CommandProcess(
            commands,
            dir,
            Map.of("VH_OUTPUTS_DIR", dir.resolve("outputs").toString()),
            Optional.ofNullable(limit),
            Optional.ofNullable(silence))
        .run(lines::add);
  }

  private List<String> texts(OutputLine.Stream stream) {
    return lines.stream().filter(l -> l.stream() == stream).map(OutputLine::text).toList();
  }

  @Test
  void runsLinesInOrderWithTheEnvironment() throws Exception {
    ProcessOutcome o =
        run(List.of("echo one", "echo \"two $VH_OUTPUTS_DIR\"", "echo err >&2"), null, null);
    assertThat(o.succeeded()).isTrue();
    assertThat(texts(OutputLine.Stream.STDOUT))
        .containsExactly("one", "two " + dir.resolve("outputs"));
    assertThat(texts(OutputLine.Stream.STDERR)).containsExactly("err");
    assertThat(dir.resolve("config/command.sh")).exists();
  }

  @Test
  void theFirstFailingLineFailsTheStep() throws Exception {
    ProcessOutcome o = run(List.of("echo before", "false", "echo after"), null, null);
    assertThat(o.ending()).isEqualTo(ProcessOutcome.Ending.EXITED);
    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(texts(OutputLine.Stream.STDOUT)).containsExactly("before");
  }

  @Test
  void aMissingCommandIsNamed() throws Exception {
    ProcessOutcome o = run(List.of("kiln-no-such-command --flag"), null, null);
    assertThat(o.exitCode()).isEqualTo(127);
    assertThat(o.detail()).contains("not found");
    assertThat(texts(OutputLine.Stream.STDERR))
        .anySatisfy(l -> assertThat(l).contains("kiln-no-such-command"));
  }

  @Test
  void theTimeLimitKillsTheWholeTree() throws Exception {
    ProcessOutcome o =
        run(List.of("echo started", "sleep 30 & wait"), Duration.ofMillis(700), null);
    assertThat(o.ending()).isEqualTo(ProcessOutcome.Ending.TIME_LIMIT);
    assertThat(o.elapsed()).isLessThan(Duration.ofSeconds(20));
    assertThat(texts(OutputLine.Stream.STDOUT)).containsExactly("started");
  }

  @Test
  void silenceEndsTheStepWhenANoOutputTimeoutIsSet() throws Exception {
    ProcessOutcome o =
        run(List.of("echo hello", "sleep 30"), Duration.ofSeconds(25), Duration.ofMillis(600));
    assertThat(o.ending()).isEqualTo(ProcessOutcome.Ending.NO_OUTPUT_TIMEOUT);
    assertThat(o.detail()).startsWith("no output for");
  }

  @Test
  void stopEndsARunningProcess() throws Exception {
    CommandProcess p =
        new CommandProcess(List.of("sleep 30"), dir, Map.of(), Optional.empty(), Optional.empty());
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              p.stop();
            });
    stopper.start();
    assertThat(p.run(lines::add).ending()).isEqualTo(ProcessOutcome.Ending.STOPPED);
  }

  @Test
  void theStepRunsInItsOwnProcessGroupAndEndsWhenKilnGoes() throws Exception {
    CommandProcess p =
        new CommandProcess(
            List.of("echo started", "sleep 300 & sleep 301 & wait"), dir, Map.of(),
            Optional.empty(), Optional.empty());
    java.util.concurrent.atomic.AtomicLong pid = new java.util.concurrent.atomic.AtomicLong();
    p.onStart(pid::set);
    java.util.concurrent.CompletableFuture<ProcessOutcome> outcome =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.run(lines::add);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<ProcessHandle> tree = List.of();
    while (System.nanoTime() < deadline && tree.size() < 3) {
      Thread.sleep(50);
      tree = pid.get() == 0 ? List.of() : ProcessHandle.of(pid.get()).orElseThrow().descendants().toList();
    }
    assertThat(tree).hasSizeGreaterThanOrEqualTo(3); // the script's bash and its two sleeps
    // The group is the step's own, led by the process Kiln started.
    Process ps = new ProcessBuilder("ps", "-o", "pgid=", "-p", Long.toString(pid.get())).start();
    assertThat(new String(ps.getInputStream().readAllBytes()).trim()).isEqualTo(Long.toString(pid.get()));
    // What the operating system does when Kiln is killed with -9: the pipe to the wrapper closes.
    p.closeParentPipe();
    ProcessOutcome o = outcome.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(o.succeeded()).isFalse();
    for (ProcessHandle h : tree) {
      h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(h.isAlive()).as("process %s", h.pid()).isFalse();
    }
  }

  @Test
  void aHugeLineIsSplitAndALastLineWithoutNewlineIsKept() throws Exception {
    ProcessOutcome o =
        run(
            List.of("head -c " + (CommandProcess.MAX_LINE_BYTES + 10) + " /dev/zero | tr '\\0' x",
                "printf tail"),
            null,
            null);
    assertThat(o.succeeded()).isTrue();
    List<String> out = texts(OutputLine.Stream.STDOUT);
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).hasSize(CommandProcess.MAX_LINE_BYTES);
    assertThat(out.get(1)).isEqualTo("x".repeat(10) + "tail");
  }

  @Test
  void jsonObjectLinesAreMetadata() {
    Instant t = Instant.parse("2026-11-23T00:00:00Z");
    assertThat(MetadataLines.parse("{\"loss\": 0.5, \"step\": 3}", t))
        .hasValueSatisfying(
            o -> {
              assertThat(o.get("loss").asDouble()).isEqualTo(0.5);
              assertThat(o.get("_time").asText()).isEqualTo("2026-11-23T00:00:00Z");
            });
    assertThat(MetadataLines.parse("{\"loss\": 0.5,", t)).isEmpty();
    assertThat(MetadataLines.parse("{not json}", t)).isEmpty();
    assertThat(MetadataLines.parse("[1, 2]", t)).isEmpty();
    assertThat(MetadataLines.parse("epoch 1 loss 0.5", t)).isEmpty();
  }
}
