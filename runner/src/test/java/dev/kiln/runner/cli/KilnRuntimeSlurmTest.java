package dev.kiln.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.runner.executor.slurm.SharedState;
import dev.kiln.runner.executor.slurm.SlurmExecutor;
import dev.kiln.runner.orchestrator.Console;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --executor slurm}: refused without shared state, else command steps go to Slurm. */
class KilnRuntimeSlurmTest {
  @TempDir Path dir;

  static BeamOptions slurm() {
    BeamOptions o = BeamOptions.none();
    o.executor = "slurm";
    return o;
  }

  @Test
  void refusesTheEmbeddedStoreAndSaysWhy() {
    Map<String, String> env = Map.of("KILN_HOME", dir.toString(), "KILN_SLURM_SHARED_HOME", "true");
    assertThat(SharedState.problems(StoreConfig.fromEnvironment(env, dir), env))
        .containsExactly(
            "the store is the embedded H2 database ("
                + dir.resolve("db/kiln.mv.db")
                + "), which only this machine can write; set KILN_DB_URL to a PostgreSQL"
                + " database (docs/slurm.md)");
    assertThatThrownBy(() -> KilnRuntime.open(Console.SILENT, 1, slurm(), env, dir))
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith("cannot dispatch to Slurm:\n  - ")
        .hasMessageContaining("embedded H2 database");
  }

  @Test
  void refusesAnUnknownExecutor() {
    BeamOptions o = BeamOptions.none();
    o.executor = "kubernetes";
    assertThatThrownBy(() -> KilnRuntime.open(Console.SILENT, 1, o, Map.of(), dir))
        .isInstanceOf(UserException.class)
        .hasMessage("--executor kubernetes: unknown executor (known: local, slurm)");
  }

  @Test
  void withPostgresAndASharedHomeCommandStepsRunOnSlurm() {
    assumeTrue(SlurmExecutor.available(), "sbatch is not on the PATH: skipped");
    String url = System.getenv("KILN_TEST_PG_URL");
    assumeTrue(url != null, "KILN_TEST_PG_URL is not set (eval \"$(.ci/start-postgres.sh)\"): skipped");
    Map<String, String> env = new HashMap<>();
    env.put("KILN_HOME", dir.toString());
    env.put("KILN_DB_URL", url);
    env.put("KILN_DB_USER", System.getenv("KILN_TEST_PG_USER"));
    env.put("KILN_DB_PASSWORD", System.getenv("KILN_TEST_PG_PASSWORD"));
    // Without the declaration the local filesystem of the temporary folder is refused.
    assertThatThrownBy(() -> KilnRuntime.open(Console.SILENT, 1, slurm(), env, dir))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("KILN_HOME " + dir.toAbsolutePath() + " is on a local ");
    env.put("KILN_SLURM_SHARED_HOME", "true");
    Step step = Step.command("where", "echo \"on $SLURM_JOB_NODELIST\"").build();
    Pipeline p =
        new Pipeline("where", List.of(Node.Execution.of("where", "where")), List.of(), List.of(),
            false, Map.of());
    try (KilnRuntime runtime = KilnRuntime.open(Console.SILENT, 1, slurm(), env, dir)) {
      RunResult result =
          runtime.orchestrator.run(
              Planner.plan(Project.of(List.of(step), List.of(p)), p, Map.of(), Map.of()),
              RunOptions.of("test"));
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
      var e = runtime.store.runDetail(result.runId(), true).executions().get(0).execution();
      assertThat(e.device()).startsWith("slurm:");
      assertThat(SlurmExecutor.recordedJobId(dir.resolve("executions").resolve(e.id()))).isPresent();
    }
  }
}
