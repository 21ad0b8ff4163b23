package dev.kiln.runner.executor.slurm;

import dev.kiln.lineage.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a Kiln may dispatch to Slurm: jobs on other nodes write their execution folders under
 * {@code KILN_HOME}, and the orchestrator records into the store, so the folder must be on a
 * filesystem every node mounts and the store must not be the embedded H2 file. A folder on a
 * local filesystem type (ext4, xfs, btrfs, tmpfs, overlay...) is refused unless {@code
 * KILN_SLURM_SHARED_HOME=true} says it is shared anyway (a one-node cluster, a bind mount).
 */
public final class SharedState {
  public static final String SHARED_HOME_ENV = "KILN_SLURM_SHARED_HOME";

  static final Set<String> LOCAL_TYPES =
      Set.of(
          "ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "vfat",
          "ramfs", "apfs", "hfs");

  private SharedState() {}

  /** Every reason this configuration cannot dispatch to Slurm; empty when it can. */
  public static java.util.List<String> problems(StoreConfig store, Map<String, String> env) {
    java.util.List<String> problems = new java.util.ArrayList<>();
    if (store.isEmbedded()) {
      problems.add(
          "the store is the embedded H2 database ("
              + store.databaseFile()
              + "), which only this machine can write; set KILN_DB_URL to a PostgreSQL"
              + " database (docs/slurm.md)");
    }
    boolean declaredShared = "true".equalsIgnoreCase(env.getOrDefault(SHARED_HOME_ENV, "").strip());
    if (!declaredShared) {
      fileSystemType(store.kilnHome())
          .filter(t -> LOCAL_TYPES.contains(t.toLowerCase(Locale.ROOT)))
          .ifPresent(
              t ->
                  problems.add(
                      "KILN_HOME "
                          + store.kilnHome()
                          + " is on a local "
                          + t
                          + " filesystem the compute nodes do not see; put it on a shared"
                          + " filesystem (NFS, Lustre, GPFS, CephFS...) or set "
                          + SHARED_HOME_ENV
                          + "=true if every node mounts it there"));
    }
    return java.util.List.copyOf(problems);
  }

  /** The type of the filesystem holding {@code path} or its nearest existing parent. */
  static Optional<String> fileSystemType(Path path) {
    Path p = path.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.getFileStore(p).type());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
