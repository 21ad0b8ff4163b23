package dev.kiln.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store contract on embedded H2, plus what only a file database can get wrong. */
class H2LineageStoreTest extends LineageStoreContract {
  @Override
  StoreConfig config(Path home) {
    return StoreConfig.ofHome(home);
  }

  @Test
  void theDatabaseIsAFileUnderKilnHome() {
    assertThat(store.config().databaseFile()).isEqualTo(home.resolve("db/kiln.mv.db"));
    assertThat(home.resolve("db/kiln.mv.db")).isRegularFile();
  }

  @Test
  void aStoreWrittenBeforeTrialsReadsUnchanged() throws Exception {
    store.close();
    store = null;
    Path old = home.resolve("old");
    StoreConfig config = StoreConfig.ofHome(old);
    String url = config.effectiveJdbcUrl();
    org.flywaydb.core.Flyway.configure(getClass().getClassLoader())
        .dataSource(url, config.user(), config.password())
        .locations("classpath:db/kiln/migration")
        .target("2")
        .load()
        .migrate();
    try (var c = java.sql.DriverManager.getConnection(url, config.user(), config.password());
        var st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO runs (id, pipeline, status, created_at, params_json) VALUES ('r1', 'p',"
              + " 'SUCCEEDED', CURRENT_TIMESTAMP, '{}')");
      st.executeUpdate(
          "INSERT INTO executions (id, run_id, node_name, step_name, status, attempt, created_at)"
              + " VALUES ('e1', 'r1', 'train', 'train', 'SUCCEEDED', 1, CURRENT_TIMESTAMP)");
    }
    store = LineageStore.open(config);
    ExecutionRecord e = store.execution("e1");
    assertThat(e.trial()).isZero();
    assertThat(e.parentId()).isNull();
    assertThat(store.findExecution("r1", "train")).contains(e);
    assertThat(store.trials("e1")).isEmpty();
  }

  @Test
  void twoStoresInOneJvmShareTheDatabase() {
    try (LineageStore second = LineageStore.open(StoreConfig.ofHome(home))) {
      RunRecord run = store.createRun(NewRun.of("p"));
      assertThat(second.run(run.id())).isEqualTo(run);
    }
    // Closing one leaves the other working.
    assertThat(store.createRun(NewRun.of("q")).pipeline()).isEqualTo("q");
  }

  @Test
  void whatWasCommittedSurvivesAnOrchestratorThatIsKilled() throws Exception {
    store.close();
    store = null;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                home.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String[] ids = new String(process.getInputStream().readAllBytes()).trim().split(" ");
    assertThat(process.waitFor()).isEqualTo(9);
    assertThat(ids).hasSize(2);

    store = LineageStore.open(StoreConfig.ofHome(home));
    assertThat(store.unfinishedRuns()).extracting(RunRecord::id).containsExactly(ids[0]);
    assertThat(store.executions(ids[0], Set.of(ExecutionStatus.RUNNING)))
        .extracting(ExecutionRecord::id)
        .containsExactly(ids[1]);
    assertThat(store.markInterrupted(ids[0])).hasSize(1);
  }

  @Test
  void aSecondProcessIsToldTheStoreIsInUse() throws Exception {
    store.close();
    store = null;
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                HoldingStore.class.getName(),
                home.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      var out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()));
      assertThat(out.readLine()).isEqualTo("ready");
      Path file = home.resolve("db/kiln.mv.db");
      assertThatThrownBy(() -> LineageStore.open(StoreConfig.ofHome(home)))
          .isInstanceOf(LineageStoreException.class)
          .hasMessageStartingWith(
              "the lineage database " + file + " is in use by another Kiln process (H2: ")
          .hasMessageEndingWith(
              "). Stop that process, or give this one its own KILN_HOME; to share one store"
                  + " between processes, use PostgreSQL (KILN_DB_URL).");
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor()).isZero();
    }
    // Once the other process is gone, the store opens again.
    store = LineageStore.open(StoreConfig.ofHome(home));
  }

  @Test
  void aCorruptDatabaseFileIsReportedWithWhatToDo() throws Exception {
    store.createRun(NewRun.of("p"));
    store.close();
    store = null;
    Path file = home.resolve("db/kiln.mv.db");
    byte[] garbage = new byte[(int) Files.size(file)];
    new Random(42).nextBytes(garbage);
    Files.write(file, garbage);

    assertThatThrownBy(() -> LineageStore.open(StoreConfig.ofHome(home)))
        .isInstanceOf(LineageStoreException.class)
        .hasMessageStartingWith(
            "the lineage database "
                + file
                + " cannot be opened; it looks corrupted or was written by an incompatible H2"
                + " version (H2: ")
        .hasMessageEndingWith(
            "). Restore it from a backup, or move it aside (mv "
                + file
                + " "
                + file
                + ".broken) to start an empty store; the artifacts under "
                + home.resolve("artifacts")
                + " are kept either way.")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n\tat "));
  }

  @Test
  void aKilnHomeThatIsAFileIsReported() throws Exception {
    Path notAFolder = home.resolve("not-a-folder");
    Files.writeString(notAFolder, "x");
    assertThatThrownBy(() -> LineageStore.open(StoreConfig.ofHome(notAFolder)))
        .isInstanceOf(LineageStoreException.class)
        .hasMessageStartingWith(
            "cannot create the lineage database folder " + notAFolder.resolve("db"))
        .hasMessageEndingWith("; check that KILN_HOME (" + notAFolder + ") is a writable folder");
  }

  @Test
  void anUnreachableDatabaseServerIsReported() {
    StoreConfig config =
        StoreConfig.ofHome(home)
            .withJdbc("jdbc:postgresql://127.0.0.1:1/kiln?connectTimeout=2", "kiln", "secret");
    assertThatThrownBy(() -> LineageStore.open(config))
        .isInstanceOf(LineageStoreException.class)
        .hasMessageStartingWith(
            "cannot connect to the lineage database"
                + " jdbc:postgresql://127.0.0.1:1/kiln?connectTimeout=2 as user kiln: ")
        .hasMessageEndingWith(
            "Check KILN_DB_URL, KILN_DB_USER and KILN_DB_PASSWORD, and that the database server is"
                + " running and reachable.")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
  }
}
