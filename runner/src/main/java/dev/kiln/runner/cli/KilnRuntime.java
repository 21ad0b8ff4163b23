package dev.kiln.runner.cli;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.runner.beam.BeamEngine;
import dev.kiln.runner.beam.BeamSettings;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.executor.InProcessJavaExecutor;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.executor.slurm.SharedState;
import dev.kiln.runner.executor.slurm.SlurmExecutor;
import dev.kiln.runner.executor.slurm.SlurmSettings;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a command that runs pipelines needs: the lineage store of {@code KILN_HOME} (or {@code
 * KILN_DB_URL}), the executors, the one {@link BeamEngine} every Beam step of this process shares
 * (so an embedded Flink starts at most once, on the first Beam step), and the orchestrator, closed
 * together.
 */
final class KilnRuntime implements AutoCloseable {
  final LineageStore store;
  final Orchestrator orchestrator;
  final BeamEngine beam;
  private final Map<ExecutorKind, Executor> executors;
  private final Console console;
  private final Map<String, String> env;
  private final Path cwd;
  private final OrchestratorConfig config;

  private KilnRuntime(
      LineageStore store,
      Orchestrator orchestrator,
      Map<ExecutorKind, Executor> e,
      BeamEngine beam,
      Console console,
      Map<String, String> env,
      Path cwd,
      OrchestratorConfig config) {
    this.store = store;
    this.orchestrator = orchestrator;
    this.executors = e;
    this.beam = beam;
    this.console = console;
    this.env = env;
    this.cwd = cwd;
    this.config = config;
  }

  static LineageStore openStore() {
    Path cwd = Path.of("").toAbsolutePath();
    return LineageStore.open(StoreConfig.fromEnvironment(System.getenv(), cwd));
  }

  static KilnRuntime open(Console console, Integer cpuSlots) {
    return open(console, cpuSlots, BeamOptions.none());
  }

  /**
   * @param beamOptions the command's {@code --flink-master} / {@code --beam-runner}, over the
   *     environment's {@code KILN_BEAM_RUNNER}, {@code KILN_FLINK_MASTER}, {@code
   *     KILN_BEAM_PARALLELISM}
   * @throws UserException when the Beam settings are wrong (checked before the store opens)
   */
  static KilnRuntime open(Console console, Integer cpuSlots, BeamOptions beamOptions) {
    return open(console, cpuSlots, beamOptions, System.getenv(), Path.of("").toAbsolutePath());
  }

  /** As {@link #open(Console, Integer, BeamOptions)}, with the environment and folder given. */
  static KilnRuntime open(
      Console console,
      Integer cpuSlots,
      BeamOptions beamOptions,
      Map<String, String> env,
      Path cwd) {
    BeamSettings beamSettings = beamOptions.settings(env);
    boolean slurm = beamOptions.executor(env).equals("slurm");
    StoreConfig storeConfig = StoreConfig.fromEnvironment(env, cwd);
    SlurmSettings slurmSettings = slurm ? slurmSettings(storeConfig, env) : null;
    LineageStore store = LineageStore.open(storeConfig);
    BeamEngine beam = new BeamEngine(beamSettings);
    try {
      int cpus =
          cpuSlots != null
              ? cpuSlots
              : env.containsKey("KILN_CPU_SLOTS")
                  ? Integer.parseInt(env.get("KILN_CPU_SLOTS"))
                  : Math.max(1, Runtime.getRuntime().availableProcessors());
      int gpus = dev.kiln.runner.djl.DjlWorkerExecutor.gpuCount(
              env, Path.of("/dev"), System.getProperty("java.class.path"));
      Map<ExecutorKind, Executor> executors = new EnumMap<>(ExecutorKind.class);
      ClassLoader loader = KilnRuntime.class.getClassLoader();
      // Commands like "kiln step train" find this Kiln first on the PATH (./kiln sets
      // KILN_BIN_DIR).
      Map<String, String> base = new java.util.HashMap<>();
      if (env.containsKey("KILN_BIN_DIR")) {
        base.put(
            "PATH",
            env.get("KILN_BIN_DIR") + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
      }
      // "kiln step convert-labels" in a child process uses the same runner (not the same engine).
      base.put(BeamSettings.RUNNER_ENV, beamSettings.mode().id());
      base.put(BeamSettings.PARALLELISM_ENV, Integer.toString(beamSettings.parallelism()));
      beamSettings.flinkMaster().ifPresent(m -> base.put(BeamSettings.FLINK_MASTER_ENV, m));
      executors.put(
          ExecutorKind.PROCESS,
          slurm ? new SlurmExecutor(base, slurmSettings) : new ProcessExecutor(base));
      executors.put(
          ExecutorKind.BEAM,
          new InProcessJavaExecutor(ExecutorKind.BEAM, loader, beam::engineOptions));
      // DJL steps run in a worker JVM (-Dai.djl.offline=true) with one GPU slot per GPU.
      executors.put(
          ExecutorKind.DJL,
          dev.kiln.runner.djl.DjlWorkerExecutor.forThisJvm(env.get("KILN_DJL_JAVA_OPTS"), gpus));
      OrchestratorConfig config = new OrchestratorConfig(store.config().kilnHome(), cwd, cpus, gpus);
      Orchestrator orchestrator = orchestrator(store, config, executors, console, env, cwd);
      return new KilnRuntime(store, orchestrator, executors, beam, console, env, cwd, config);
    } catch (RuntimeException e) {
      beam.close();
      store.close();
      throw e;
    }
  }

  /**
   * The Slurm settings, once it is clear this Kiln can dispatch to Slurm.
   *
   * @throws UserException with every reason it cannot
   */
  static SlurmSettings slurmSettings(StoreConfig storeConfig, Map<String, String> env) {
    java.util.List<String> problems = new java.util.ArrayList<>();
    if (!SlurmExecutor.available()) {
      problems.add("sbatch is not on the PATH (install Slurm's client commands on this machine)");
    }
    problems.addAll(SharedState.problems(storeConfig, env));
    SlurmSettings settings = null;
    try {
      settings = SlurmSettings.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new UserException(
          "cannot dispatch to Slurm:\n  - " + String.join("\n  - ", problems));
    }
    return settings;
  }

  private static Orchestrator orchestrator(
      LineageStore store,
      OrchestratorConfig config,
      Map<ExecutorKind, Executor> executors,
      Console console,
      Map<String, String> env,
      Path cwd) {
    return new Orchestrator(
        store,
        config,
        executors,
        console,
        dev.kiln.lineage.openlineage.OpenLineageExporter.fromEnvironment(
            env, cwd, w -> console.status("warning: " + w)));
  }

  /**
   * Another orchestrator on the same store, executors and Beam engine whose steps run from {@code
   * workingDir} (a commit's checkout, for {@code kiln watch} and {@code kiln resume}); the caller
   * closes it.
   */
  Orchestrator orchestrator(Path workingDir) {
    return orchestrator(
        store,
        new OrchestratorConfig(config.kilnHome(), workingDir, config.cpuSlots(), config.gpuSlots()),
        executors,
        console,
        env,
        cwd);
  }

  @Override
  public void close() {
    try {
      orchestrator.close();
      executors.values().forEach(Executor::close);
    } finally {
      try {
        beam.close();
      } finally {
        store.close();
      }
    }
  }
}
