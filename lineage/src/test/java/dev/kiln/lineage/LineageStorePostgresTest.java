package dev.kiln.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL. Runs when {@code KILN_TEST_PG_URL} (with {@code
 * KILN_TEST_PG_USER} and {@code KILN_TEST_PG_PASSWORD}) names a database where that user may create
 * schemas, e.g. the one {@code .ci/start-postgres.sh} sets up; skipped otherwise. Every test gets a
 * schema of its own, dropped afterwards.
 */
class LineageStorePostgresTest extends LineageStoreContract {
  private static String url;
  private static String user;
  private static String password;

  private String schema;

  /** Skips the test (reported as skipped, one by one) when no PostgreSQL is configured. */
  private static void requirePostgres() {
    url = System.getenv("KILN_TEST_PG_URL");
    assumeTrue(
        url != null && !url.isBlank(),
        "KILN_TEST_PG_URL is not set; run .ci/start-postgres.sh to test against PostgreSQL");
    user = System.getenv("KILN_TEST_PG_USER");
    password = System.getenv("KILN_TEST_PG_PASSWORD");
  }

  @Override
  StoreConfig config(Path home) throws SQLException {
    requirePostgres();
    if (schema == null) {
      schema = "kiln_test_" + UUID.randomUUID().toString().replace("-", "");
      execute("CREATE SCHEMA " + schema);
    }
    String separator = url.contains("?") ? "&" : "?";
    return StoreConfig.ofHome(home)
        .withJdbc(url + separator + "currentSchema=" + schema, user, password);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    if (store != null) {
      store.close();
      store = null;
    }
    if (schema != null) {
      execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void theStoreRunsOnPostgres() throws SQLException {
    assertThat(store.config().isEmbedded()).isFalse();
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                    + schema
                    + "' AND table_name IN ('runs', 'executions', 'parameters', 'inputs',"
                    + " 'outputs', 'log_lines', 'metadata', 'reuse_links', 'events')")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(9);
    }
  }

  @Test
  void aWrongPasswordIsReportedWithoutThePassword() {
    StoreConfig wrong = StoreConfig.ofHome(home).withJdbc(url, user, "wrong-" + password);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LineageStore.open(wrong))
        .isInstanceOf(LineageStoreException.class)
        .hasMessageStartingWith(
            "cannot connect to the lineage database " + url + " as user " + user + ": ")
        .hasMessageContaining("Check KILN_DB_URL, KILN_DB_USER and KILN_DB_PASSWORD")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-" + password));
  }
}
