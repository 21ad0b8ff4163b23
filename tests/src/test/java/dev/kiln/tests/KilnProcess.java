package dev.kiln.tests;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the built distribution ({@code ./kiln}) as a real process. */
final class KilnProcess {
  private KilnProcess() {}

  static Process start(Path workDir, Map<String, String> env, Path log, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.repo().resolve("kiln").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  /** As {@link #start}, with standard output and standard error in separate files. */
  static Process startSplit(Path workDir, Map<String, String> env, Path out, Path err, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.repo().resolve("kiln").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().putAll(env);
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    return pb.start();
  }

  /** Kills the process and everything it started, with SIGKILL. */
  static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }
}
