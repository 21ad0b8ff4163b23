package dev.kiln.runner.beam;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The Beam engine of one orchestrator: gives every Beam step the pipeline arguments of the
 * configured runner, and owns the embedded Flink when there is one. Construct it once and pass
 * {@code engine::engineOptions} to the {@code beam} executor:
 *
 * <pre>{@code
 * try (BeamEngine engine = new BeamEngine(BeamSettings.fromEnvironment(System.getenv()))) {
 *   var beam = new InProcessJavaExecutor(ExecutorKind.BEAM, loader, engine::engineOptions);
 *   ...
 * }
 * }</pre>
 *
 * <p>The embedded Flink is a {@link MiniCluster} with its REST endpoint on a free localhost port,
 * started on the first {@link #engineOptions()} call and shared by every later step: a new mini
 * cluster per job (Beam's {@code --flinkMaster=[local]}) costs seconds each time. Jobs reach it
 * inside the JVM ({@link EmbeddedSubmission}). Its classes load parent-first from the
 * orchestrator's class path, so jobs ship only an empty jar instead of the whole class path.
 * Thread-safe.
 */
public final class BeamEngine implements AutoCloseable {
  /** The engine option key steps read their Beam arguments from. */
  public static final String BEAM_ARGS = "beam.args";

  private final BeamSettings settings;
  private MiniCluster cluster;
  private URI restAddress;
  private Path emptyJar;
  private int clusterStarts;
  private boolean closed;

  /** Nothing starts until the first step asks for {@link #engineOptions()}. */
  public BeamEngine(BeamSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public BeamSettings settings() {
    return settings;
  }

  /**
   * What {@code StepContext.engineOptions()} holds for a Beam step: {@code beam.args}. Starts the
   * embedded Flink on first use.
   *
   * @throws IllegalStateException when the engine is closed or the embedded Flink cannot start
   */
  public Map<String, String> engineOptions() {
    return Map.of(BEAM_ARGS, String.join(" ", beamArgs()));
  }

  /** The Beam pipeline arguments for the configured runner. */
  public synchronized List<String> beamArgs() {
    if (closed) {
      throw new IllegalStateException("the Beam engine is closed");
    }
    List<String> args = new ArrayList<>();
    int p = settings.parallelism();
    switch (settings.mode()) {
      case DIRECT -> {
        args.add("--runner=DirectRunner");
        args.add("--targetParallelism=" + p);
        // Our elements are immutable records; the checks re-encode every element.
        args.add("--enforceImmutability=false");
        args.add("--enforceEncodability=false");
      }
      case FLINK -> {
        args.add("--runner=FlinkRunner");
        args.add("--parallelism=" + p);
        // No deep copy (a coder round trip) of every element between fused operators: Kiln's
        // elements are immutable. Object reuse stays off: a DoFn may keep a group's elements.
        args.add("--fasterCopy=true");
        if (settings.flinkMaster().isPresent()) {
          // A real cluster needs the job's classes: Beam stages the class path.
          args.add("--flinkMaster=" + settings.flinkMaster().get());
        } else {
          startEmbedded();
          // [auto]: Flink's context environment, which submits to this cluster inside the JVM
          // (EmbeddedSubmission), not through its REST address and a polled job status
          EmbeddedSubmission.bindCurrentThread(cluster);
          args.add("--flinkMaster=[auto]");
          args.add("--filesToStage=" + emptyJar);
        }
      }
    }
    return List.copyOf(args);
  }

  /** How many times this engine started a Flink cluster (0 or 1). */
  public synchronized int clusterStarts() {
    return clusterStarts;
  }

  /** The embedded Flink's REST address, once started. */
  public synchronized Optional<URI> embeddedRestAddress() {
    return Optional.ofNullable(restAddress);
  }

  private void startEmbedded() {
    if (cluster != null) {
      return;
    }
    int slots = settings.parallelism();
    Configuration conf = new Configuration();
    conf.set(RestOptions.ADDRESS, "localhost");
    conf.set(RestOptions.BIND_ADDRESS, "localhost");
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
    conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(128));
    MiniCluster mc =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
    try {
      mc.start();
      restAddress = mc.getRestAddress().get(60, TimeUnit.SECONDS);
      emptyJar = Files.createTempFile("kiln-beam-job-", ".jar");
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
      try (OutputStream os = Files.newOutputStream(emptyJar);
          JarOutputStream jar = new JarOutputStream(os, manifest)) {
        jar.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(mc);
      throw new IllegalStateException("interrupted while starting the embedded Flink", e);
    } catch (Exception e) {
      closeQuietly(mc);
      throw new IllegalStateException(
          "cannot start the embedded Flink: "
              + e.getMessage()
              + " (set KILN_BEAM_RUNNER=direct to use the DirectRunner)",
          e);
    }
    cluster = mc;
    clusterStarts++;
    EmbeddedSubmission.register(mc);
  }

  private static void closeQuietly(MiniCluster mc) {
    try {
      mc.close();
    } catch (Exception suppressed) {
      // already failing; the first error is the one to report
    }
  }

  /** Stops the embedded Flink, if it was started. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (cluster != null) {
        EmbeddedSubmission.unregister(cluster);
        cluster.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the embedded Flink: " + e.getMessage(), e);
    } finally {
      cluster = null;
      if (emptyJar != null) {
        try {
          Files.deleteIfExists(emptyJar);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
