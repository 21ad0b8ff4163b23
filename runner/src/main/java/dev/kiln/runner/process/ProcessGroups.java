package dev.kiln.runner.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Steps run in a process group of their own ({@code setsid}), led by the process Kiln started, so
 * the whole tree can be killed at once, and so a step that outlived a crashed orchestrator can be
 * found and killed by {@code kiln resume}.
 */
public final class ProcessGroups {
  private ProcessGroups() {}

  /**
   * The command that runs {@code command} as the leader of a new session and process group. The
   * pid of the process started is then the group's id.
   */
  public static List<String> inOwnGroup(List<String> command) {
    if (!setsidAvailable()) {
      return command;
    }
    List<String> out = new ArrayList<>(command.size() + 1);
    out.add("setsid");
    out.addAll(command);
    return out;
  }

  private static volatile Boolean setsid;

  private static boolean setsidAvailable() {
    Boolean known = setsid;
    if (known == null) {
      known = false;
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        if (Files.isExecutable(Path.of(dir, "setsid"))) {
          known = true;
          break;
        }
      }
      setsid = known;
    }
    return known;
  }

  /** Sends SIGKILL to every process of the group; false when the group is already gone. */
  public static boolean killGroup(long group) {
    if (group <= 1) {
      return false;
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-KILL", "--", "-" + group)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Kills the group led by {@code group} when its leader is still alive and its command line
   * contains {@code marker} (the execution's id: a pid reused by an unrelated process is left
   * alone), and waits until the leader is gone. Returns what was killed, if anything.
   */
  public static Optional<String> killIfStillRunning(long group, String marker) {
    Optional<ProcessHandle> leader = ProcessHandle.of(group);
    if (leader.isEmpty() || !leader.get().isAlive()) {
      return Optional.empty();
    }
    String commandLine = leader.get().info().commandLine().orElse("");
    if (!commandLine.contains(marker)) {
      return Optional.empty();
    }
    killGroup(group);
    leader.get().destroyForcibly();
    try {
      leader.get().onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // reported below as still alive
    }
    return Optional.of(
        "process group " + group + (leader.get().isAlive() ? " (still alive after SIGKILL)" : "")
            + ": " + commandLine);
  }
}
