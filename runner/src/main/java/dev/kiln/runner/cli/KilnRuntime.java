package dev.kiln.runner.cli;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.runner.executor.Executor;
import dev.kiln.runner.executor.InProcessJavaExecutor;
import dev.kiln.runner.executor.ProcessExecutor;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.OrchestratorConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a command that runs pipelines needs: the lineage store of {@code KILN_HOME} (or {@code
 * KILN_DB_URL}), the executors, and the orchestrator, closed together.
 */
final class KilnRuntime implements AutoCloseable {
  final LineageStore store;
  final Orchestrator orchestrator;
  private final Map<ExecutorKind, Executor> executors;
  private final Console console;
  private final int cpus;
  private final int gpus;

  private KilnRuntime(
      LineageStore store,
      Map<ExecutorKind, Executor> executors,
      Console console,
      int cpus,
      int gpus,
      Path workingDir) {
    this.store = store;
    this.executors = executors;
    this.console = console;
    this.cpus = cpus;
    this.gpus = gpus;
    this.orchestrator = orchestrator(workingDir);
  }

  static LineageStore openStore() {
    Path cwd = Path.of("").toAbsolutePath();
    return LineageStore.open(StoreConfig.fromEnvironment(System.getenv(), cwd));
  }

  static KilnRuntime open(Console console, Integer cpuSlots) {
    LineageStore store = openStore();
    try {
      Path cwd = Path.of("").toAbsolutePath();
      Map<String, String> env = System.getenv();
      int cpus =
          cpuSlots != null
              ? cpuSlots
              : env.containsKey("KILN_CPU_SLOTS")
                  ? Integer.parseInt(env.get("KILN_CPU_SLOTS"))
                  : Math.max(1, Runtime.getRuntime().availableProcessors());
      int gpus = env.containsKey("KILN_GPUS") ? Integer.parseInt(env.get("KILN_GPUS")) : 0;
      Map<ExecutorKind, Executor> executors = new EnumMap<>(ExecutorKind.class);
      ClassLoader loader = KilnRuntime.class.getClassLoader();
      // Commands like "kiln step train" find this Kiln first on the PATH (./kiln sets KILN_BIN_DIR).
      Map<String, String> base = new java.util.HashMap<>();
      if (env.containsKey("KILN_BIN_DIR")) {
        base.put("PATH", env.get("KILN_BIN_DIR") + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
      }
      executors.put(ExecutorKind.PROCESS, new ProcessExecutor(base));
      executors.put(ExecutorKind.BEAM, new InProcessJavaExecutor(ExecutorKind.BEAM, loader, Map::of));
      executors.put(ExecutorKind.DJL, new InProcessJavaExecutor(ExecutorKind.DJL, loader, Map::of));
      return new KilnRuntime(store, executors, console, cpus, gpus, cwd);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Another orchestrator on the same store and executors whose steps run from {@code workingDir}
   * (a commit's checkout, for {@code kiln watch}); the caller closes it.
   */
  Orchestrator orchestrator(Path workingDir) {
    Path cwd = Path.of("").toAbsolutePath();
    return new Orchestrator(
        store,
        new OrchestratorConfig(store.config().kilnHome(), workingDir, cpus, gpus),
        executors,
        console,
        dev.kiln.lineage.openlineage.OpenLineageExporter.fromEnvironment(
            System.getenv(), cwd, w -> console.status("warning: " + w)));
  }

  @Override
  public void close() {
    orchestrator.close();
    executors.values().forEach(Executor::close);
    store.close();
  }
}
