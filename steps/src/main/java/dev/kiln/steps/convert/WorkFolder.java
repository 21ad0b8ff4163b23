package dev.kiln.steps.convert;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The hidden folder through which a running pipeline talks to the driver on any runner: workers
 * write their progress counts and the final report there, the driver drops a cancel marker there.
 * Files only, because the Flink runner's batch {@code run()} blocks without live metrics and a
 * remote cluster shares nothing else with the driver (it must share the output file system anyway).
 */
final class WorkFolder implements Serializable {
  static final String PREFIX = ".kiln-convert-";
  private static final String CANCEL = "CANCEL";
  private static final String PROGRESS = "progress";
  private static final String ACTIVE = "active";
  static final String REPORT = "report.bin";

  private final String path;

  private WorkFolder(String path) {
    this.path = path;
  }

  /** Creates a fresh work folder inside {@code outputDir}. */
  static WorkFolder create(Path outputDir) throws IOException {
    Path p = outputDir.toAbsolutePath().resolve(PREFIX + UUID.randomUUID());
    Files.createDirectories(p.resolve(PROGRESS));
    Files.createDirectories(p.resolve(ACTIVE));
    return new WorkFolder(p.toString());
  }

  Path dir() {
    return Path.of(path);
  }

  Path report() {
    return dir().resolve(REPORT);
  }

  /** Asks every worker to stop. */
  void requestCancel() throws IOException {
    Files.writeString(dir().resolve(CANCEL), "cancelled by the driver\n", StandardCharsets.UTF_8);
  }

  /** True when the driver asked to stop, or is gone (it deleted the folder): stop either way. */
  boolean cancelRequested() {
    return Files.exists(dir().resolve(CANCEL)) || !Files.isDirectory(dir());
  }

  /**
   * Marks a worker as writing into the output folder until the returned file is deleted, so that a
   * driver that stops early can wait for late workers before it cleans up.
   */
  Path markActive() throws IOException {
    return Files.createFile(dir().resolve(ACTIVE).resolve(UUID.randomUUID().toString()));
  }

  /**
   * Waits until no worker is marked active, or {@code timeoutMillis} passed. Keeps waiting through
   * an interrupt (the caller is usually stopping because of one) and restores it afterwards.
   *
   * @return true when no worker is active
   */
  boolean awaitIdle(long timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    boolean interrupted = false;
    try {
      while (true) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir().resolve(ACTIVE))) {
          if (!s.iterator().hasNext()) {
            return true;
          }
        } catch (NoSuchFileException e) {
          return true;
        }
        if (System.nanoTime() - deadline > 0) {
          return false;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Atomically replaces a worker's progress count. */
  void writeProgress(String worker, long done) {
    Path target = dir().resolve(PROGRESS).resolve(worker);
    Path tmp = dir().resolve(PROGRESS).resolve("." + worker + ".tmp");
    try {
      Files.writeString(tmp, Long.toString(done), StandardCharsets.US_ASCII);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write progress to " + target, e);
    }
  }

  /** The sum of every worker's progress count. */
  long progress() throws IOException {
    long sum = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir().resolve(PROGRESS))) {
      for (Path p : s) {
        if (p.getFileName().toString().startsWith(".")) {
          continue;
        }
        try {
          sum += Long.parseLong(Files.readString(p, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException | NumberFormatException e) {
          // replaced while we read it: the next poll sees it
        }
      }
    }
    return sum;
  }

  /** Deletes the folder and everything in it. */
  void delete() throws IOException {
    if (!Files.exists(dir())) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir())) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Checks for a cancel request at most every half second; throws so that the runner fails the job,
   * which is how a driver cancels a job it cannot reach through a runner API.
   */
  static final class CancelCheck {
    private final WorkFolder folder;
    private long nextCheck;

    CancelCheck(WorkFolder folder) {
      this.folder = folder;
      this.nextCheck = System.nanoTime();
    }

    void check() throws InterruptedIOException {
      long now = System.nanoTime();
      if (now - nextCheck < 0) {
        return;
      }
      nextCheck = now + 500_000_000L;
      if (folder.cancelRequested()) {
        throw new InterruptedIOException("convert-labels was cancelled");
      }
    }
  }
}
