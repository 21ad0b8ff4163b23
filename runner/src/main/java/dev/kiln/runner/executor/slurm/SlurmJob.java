package dev.kiln.runner.executor.slurm;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What Slurm says about one job: its state ({@code PENDING}, {@code RUNNING}, {@code COMPLETED},
 * {@code TIMEOUT}...), the reason Slurm gives, the exit code and signal of its batch script, and
 * the node it runs on.
 */
public record SlurmJob(
    String id, String state, String reason, int exitCode, int signal, Optional<String> node) {
  /** States after which the job never runs again. */
  static final Set<String> TERMINAL =
      Set.of(
          "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL",
          "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT");

  public SlurmJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(node, "node");
  }

  public boolean terminal() {
    return TERMINAL.contains(state);
  }

  public boolean running() {
    return state.equals("RUNNING") || state.equals("COMPLETING");
  }

  /** Killed by Slurm itself rather than ended by its script: a failure with Slurm's reason. */
  public boolean killedBySlurm() {
    return Set.of("TIMEOUT", "PREEMPTED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE")
        .contains(state);
  }

  /**
   * Parses one line of {@code scontrol -o show job ID}: space-separated {@code Key=Value} pairs.
   *
   * @return empty when the line has no {@code JobState}
   */
  public static Optional<SlurmJob> parseScontrol(String id, String line) {
    Map<String, String> fields = new HashMap<>();
    for (String token : line.strip().split("\\s+")) {
      int eq = token.indexOf('=');
      if (eq > 0) {
        fields.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    String state = fields.get("JobState");
    if (state == null) {
      return Optional.empty();
    }
    int[] code = exitCode(fields.getOrDefault("ExitCode", "0:0"));
    String node = fields.get("BatchHost");
    if (node == null || node.isEmpty() || node.equals("(null)")) {
      node = fields.get("NodeList");
    }
    return Optional.of(
        new SlurmJob(
            id, state, reasonOf(fields.getOrDefault("Reason", "None")), code[0], code[1],
            nodeOf(node)));
  }

  /**
   * Parses {@code sacct -X -n -P -j ID -o JobID,State,ExitCode,NodeList,Reason}: one line, fields
   * split by {@code |}; the state may read {@code CANCELLED by 0}.
   */
  public static Optional<SlurmJob> parseSacct(String id, String output) {
    for (String line : output.split("\n")) {
      String[] f = line.strip().split("\\|", -1);
      if (f.length < 4 || !f[0].equals(id)) {
        continue;
      }
      String state = f[1].split(" ")[0];
      int[] code = exitCode(f[2]);
      return Optional.of(
          new SlurmJob(id, state, reasonOf(f.length > 4 ? f[4] : "None"), code[0], code[1],
              nodeOf(f[3])));
    }
    return Optional.empty();
  }

  private static String reasonOf(String r) {
    return r == null || r.isEmpty() || r.equals("(null)") ? "None" : r;
  }

  private static Optional<String> nodeOf(String n) {
    return n == null || n.isEmpty() || n.equals("(null)") || n.equals("None assigned")
        ? Optional.empty()
        : Optional.of(n);
  }

  private static int[] exitCode(String s) {
    String[] parts = s.split(":");
    try {
      return new int[] {
        Integer.parseInt(parts[0].strip()), parts.length > 1 ? Integer.parseInt(parts[1].strip()) : 0
      };
    } catch (NumberFormatException e) {
      return new int[] {0, 0};
    }
  }
}
