package dev.kiln.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewMetadata;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers the orchestrator and the viewer depend on, on embedded H2 (and PostgreSQL when
 * configured): a run of 1,000 nodes with 100 metadata entries each (100,000 rows). The bounds are
 * loose (a shared CI machine is slow) but far below what would hurt: the orchestrator's budget is
 * ~20 ms per node.
 */
class LineageStorePerformanceIT {
  @TempDir Path home;

  @Test
  void aThousandNodeRunIsCheapToWriteAndQuickToReadOnH2() {
    measure("H2", StoreConfig.ofHome(home));
  }

  /** The same on PostgreSQL when KILN_TEST_PG_URL is set (see .ci/start-postgres.sh). */
  @Test
  void aThousandNodeRunIsCheapToWriteAndQuickToReadOnPostgres() throws SQLException {
    String url = System.getenv("KILN_TEST_PG_URL");
    assumeTrue(url != null && !url.isBlank(), "KILN_TEST_PG_URL is not set");
    String user = System.getenv("KILN_TEST_PG_USER");
    String password = System.getenv("KILN_TEST_PG_PASSWORD");
    String schema = "kiln_perf_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      try {
        String separator = url.contains("?") ? "&" : "?";
        measure(
            "PostgreSQL",
            StoreConfig.ofHome(home)
                .withJdbc(
                    url + separator + "currentSchema=" + schema + "&reWriteBatchedInserts=true",
                    user,
                    password));
      } finally {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private static void measure(String database, StoreConfig config) {
    try (LineageStore store = LineageStore.open(config)) {
      RunRecord run = store.createRun(NewRun.of("big"));
      store.transitionRun(run.id(), RunEvent.START);
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      String sha = "c".repeat(64);
      long stateNanos = 0;
      long recordNanos = 0;
      String previous = null;
      for (int n = 0; n < 1000; n++) {
        long t0 = System.nanoTime();
        ExecutionRecord e =
            store.createExecution(
                NewExecution.of(run.id(), "node-" + n, "step").withCacheKey("k" + n));
        store.queue(e.id());
        store.start(e.id(), "process", "cpu");
        long t1 = System.nanoTime();
        store.recordParameters(
            e.id(),
            List.of(
                ParameterValue.of("epochs", 3, "integer"),
                ParameterValue.of("lr", 0.01, "float"),
                ParameterValue.of("name", "x", "string")));
        if (previous != null) {
          store.recordInputs(
              e.id(),
              List.of(InputFile.fromUpstream("in", "datum://" + sha, "f", 1, sha, previous)));
        }
        List<NewMetadata> metrics = new ArrayList<>(100);
        for (int s = 0; s < 100; s++) {
          metrics.add(new NewMetadata(t.plusMillis(s), "{\"step\": " + s + ", \"loss\": 0.5}"));
        }
        store.appendMetadata(e.id(), metrics);
        store.recordOutputs(e.id(), List.of(new OutputFile("out-" + n, 1, sha, "datum://" + sha)));
        long t2 = System.nanoTime();
        store.succeed(e.id(), 0);
        stateNanos += (t1 - t0) + (System.nanoTime() - t2);
        recordNanos += t2 - t1;
        previous = e.id();
      }
      double stateMsPerNode = stateNanos / 1e6 / 1000;
      double recordMsPerNode = recordNanos / 1e6 / 1000;

      store.runDetail(run.id()); // warm-up
      long r0 = System.nanoTime();
      RunDetail detail = store.runDetail(run.id());
      double detailMs = (System.nanoTime() - r0) / 1e6;
      long l0 = System.nanoTime();
      int metadataRead = store.metadata(previous, 50, 1000).size();
      double metadataMs = (System.nanoTime() - l0) / 1e6;

      System.out.printf(
          "lineage store on %s, 1,000 nodes / 100,000 metadata rows: state changes %.2f ms/node"
              + " (create+queue+start+succeed), records %.2f ms/node (3 parameters, 1 input,"
              + " 100 metadata, 1 output), runDetail %.0f ms, metadata page %.1f ms%n",
          database, stateMsPerNode, recordMsPerNode, detailMs, metadataMs);

      assertThat(detail.executions()).hasSize(1000);
      assertThat(detail.executions()).allSatisfy(e -> assertThat(e.metadataCount()).isEqualTo(100));
      assertThat(metadataRead).isEqualTo(50);
      assertThat(stateMsPerNode).isLessThan(20);
      assertThat(detailMs).isLessThan(3000);
    }
  }
}
