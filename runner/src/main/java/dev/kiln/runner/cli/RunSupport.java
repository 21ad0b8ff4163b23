package dev.kiln.runner.cli;

import dev.kiln.lineage.model.CommitInfo;
import dev.kiln.pipelines.validation.PipelineValidationException;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.runner.git.GitException;
import dev.kiln.runner.git.GitInfo;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/** What run, exec and resume share: option parsing, problem printing, Ctrl-C handling. */
final class RunSupport {
  private RunSupport() {}

  /** {@code KEY=VALUE} options into a map; a key given several times collects several values. */
  static Map<String, List<String>> keyValues(List<String> options, String option) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (options == null) {
      return out;
    }
    for (String o : options) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new UserException(option + " " + o + ": expected KEY=VALUE");
      }
      out.computeIfAbsent(o.substring(0, eq), k -> new ArrayList<>()).add(o.substring(eq + 1));
    }
    return out;
  }

  /** Plans, printing every problem (located in its file) and failing when there are errors. */
  static Plan plan(ProjectSource source, Function<ProjectSource, Plan> planner, PrintWriter err) {
    try {
      Plan plan = planner.apply(source);
      for (Problem p : plan.warnings()) {
        err.println(source.locate(p));
      }
      return plan;
    } catch (PipelineValidationException e) {
      StringBuilder sb = new StringBuilder("the pipeline cannot run:");
      for (Problem p : e.problems()) {
        sb.append("\n  ").append(source.locate(p));
      }
      throw new UserException(sb.toString());
    }
  }

  /** Runs with Ctrl-C stopping the run cleanly (recorded as stopped) before the JVM exits. */
  static RunResult runStoppable(KilnRuntime runtime, Supplier<RunResult> run) {
    return runStoppable(runtime.orchestrator, run);
  }

  /** As {@link #runStoppable(KilnRuntime, java.util.function.Supplier)} on another orchestrator. */
  static RunResult runStoppable(
      Orchestrator orchestrator,
      Supplier<RunResult> run) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              orchestrator.stop("interrupted (Ctrl-C or a signal)");
              try {
                if (finished.await(30, TimeUnit.SECONDS)) {
                  KilnCli.exitWithCommandStatus(10);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "kiln-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run.get();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for the latch released above
      }
    }
  }

  static int report(RunResult result, PrintWriter out) {
    out.println(result.runId());
    out.flush();
    return result.succeeded() ? 0 : 1;
  }

  static CommitInfo commitOf(String rev) {
    return rev == null ? null : CommitInfo.of(null, null, rev);
  }

  /**
   * {@code --commit REV} when given (resolved in the working copy when it names a commit there);
   * otherwise the commit of the Git working copy that holds
   * {@code file} (or the current folder): repository URL without credentials, branch, sha, author,
   * message and whether tracked files have uncommitted changes. Null outside a working copy. A
   * working copy that cannot be read is a warning, not a reason to refuse the run.
   */
  static CommitInfo commitOf(String rev, Path file, PrintWriter err) {
    Path dir =
        file == null
            ? Path.of("").toAbsolutePath()
            : file.toAbsolutePath().normalize().getParent();
    try {
      if (rev != null) {
        // A revision of this working copy is recorded in full; anything else as given.
        return GitInfo.resolve(dir, rev).orElse(commitOf(rev));
      }
      CommitInfo c = GitInfo.detect(dir).orElse(null);
      if (c != null && c.dirty()) {
        err.println(
            "note: the working copy has uncommitted changes; the run records commit "
                + c.sha().substring(0, 12) + " as dirty");
      }
      return c;
    } catch (GitException e) {
      err.println("warning: no commit recorded: " + e.getMessage());
      return null;
    }
  }
}
