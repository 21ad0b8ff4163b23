package dev.kiln.runner.djl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which C memory allocator a DJL worker JVM runs libtorch with.
 *
 * <p>A training step allocates and frees tens of megabytes of tensors; with glibc's malloc the
 * freed blocks go back to the kernel and come back as fresh zeroed pages on the next step (22,000
 * page faults and 60 ms of system time per {@code shapes-tiny} step on the CI machine). tcmalloc
 * keeps them: the same step runs 1.3x faster (docs/benchmarks.md, "detector"). So a worker
 * preloads {@code libtcmalloc_minimal} when the machine has it (Debian: {@code apt-get install
 * libtcmalloc-minimal4}).
 *
 * <p>{@code KILN_DJL_MALLOC}: unset or {@code auto} finds tcmalloc in the usual library folders
 * and falls back to the system allocator; {@code system} never preloads; a path preloads that
 * library, and a path that does not exist is an error.
 */
final class NativeAllocator {
  static final String ENV = "KILN_DJL_MALLOC";
  private static final String TCMALLOC = "libtcmalloc_minimal.so.4";
  private static final List<String> LIBRARY_DIRS =
      List.of(
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/usr/local/lib");

  /** The library to preload ({@code null}: the system allocator) and the line that says so. */
  record Choice(Path library, String description) {}

  private NativeAllocator() {}

  static Choice choose(Map<String, String> env) {
    return choose(env.get(ENV), LIBRARY_DIRS.stream().map(Path::of).toList());
  }

  static Choice choose(String setting, List<Path> libraryDirs) {
    String s = setting == null ? "" : setting.strip();
    if (s.isEmpty() || s.equals("auto")) {
      Optional<Path> found =
          libraryDirs.stream().map(d -> d.resolve(TCMALLOC)).filter(Files::isRegularFile).findFirst();
      return found
          .map(p -> new Choice(p, "memory allocator: tcmalloc (" + p + ")"))
          .orElseGet(
              () ->
                  new Choice(
                      null,
                      "memory allocator: the system's malloc, tuned (install libtcmalloc-minimal4"
                          + " for faster CPU training; " + ENV + "=system hides this note)"));
    }
    if (s.equals("system")) {
      return new Choice(null, "memory allocator: the system's malloc, tuned (" + ENV + "=system)");
    }
    Path p = Path.of(s);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(
          ENV + "=" + s + ": no such library (use auto, system or the path of a malloc library)");
    }
    return new Choice(p, "memory allocator: " + p + " (" + ENV + ")");
  }

  /**
   * glibc's tuning for when the worker runs on the system's malloc: big tensors stay in the heap
   * instead of being mmapped and unmapped every step, and freed memory is not trimmed back to the
   * kernel. Measured by {@code bench/glibc-malloc.sh} (docs/benchmarks.md, "glibc malloc tuning"):
   * about 2x the images/s of glibc's defaults, 0.7x tcmalloc's. A variable the user already set
   * is left as it is.
   */
  static final Map<String, String> GLIBC_TUNING =
      Map.of(
          "MALLOC_ARENA_MAX", "2",
          "MALLOC_MMAP_THRESHOLD_", "536870912",
          "MALLOC_TRIM_THRESHOLD_", "536870912",
          "MALLOC_TOP_PAD_", "67108864");

  /**
   * Puts the chosen library first in {@code LD_PRELOAD}, keeping what was there; on the system's
   * malloc, sets {@link #GLIBC_TUNING} where the environment does not say otherwise.
   */
  static void apply(Choice choice, Map<String, String> environment) {
    if (choice.library() == null) {
      GLIBC_TUNING.forEach(environment::putIfAbsent);
      return;
    }
    String lib = choice.library().toString();
    String existing = environment.getOrDefault("LD_PRELOAD", "").strip();
    if (existing.contains(lib)) {
      return;
    }
    environment.put("LD_PRELOAD", existing.isEmpty() ? lib : lib + " " + existing);
  }
}
