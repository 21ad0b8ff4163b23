package dev.kiln.lineage;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.api.ErrorCode;

/**
 * Connects to the configured database, brings its schema up to date with Flyway, and turns every
 * way that can fail into a {@link LineageStoreException} that names the database and says what to
 * do.
 */
final class DatabaseOpener {
  /** Where the SQL migrations live; one set for H2 and PostgreSQL. */
  static final String MIGRATIONS = "classpath:db/kiln/migration";

  /**
   * Flyway logs through java.util.logging when no SLF4J binding is present and would print its INFO
   * lines (and a warning about the H2 version) on every {@code kiln} command. Unless the
   * application configured that logger itself, only errors pass; failures reach the user as
   * exceptions anyway. Held in a field because java.util.logging keeps loggers weakly.
   */
  private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

  static {
    if (FLYWAY_LOG.getLevel() == null) {
      FLYWAY_LOG.setLevel(Level.SEVERE);
    }
  }

  private DatabaseOpener() {}

  static ConnectionPool open(StoreConfig config) {
    if (config.isEmbedded()) {
      try {
        Files.createDirectories(config.databaseBase().getParent());
      } catch (IOException e) {
        throw new LineageStoreException(
            "cannot create the lineage database folder "
                + config.databaseBase().getParent()
                + ": "
                + e
                + "; check that KILN_HOME ("
                + config.kilnHome()
                + ") is a writable folder",
            e);
      }
    }
    String url = config.effectiveJdbcUrl();
    ConnectionPool.Factory factory =
        () -> DriverManager.getConnection(url, config.user(), config.password());
    Connection first;
    try {
      first = factory.connect();
      first.setAutoCommit(false);
    } catch (SQLException e) {
      throw explain(config, e);
    }
    try {
      Flyway.configure(DatabaseOpener.class.getClassLoader())
          .dataSource(url, config.user(), config.password())
          .locations(MIGRATIONS)
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      closeAfterFailure(first, e);
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof SQLException)) {
        cause = cause.getCause();
      }
      if (cause instanceof SQLException sql && isOpenFailure(sql)) {
        throw explain(config, sql);
      }
      throw new LineageStoreException(
          "cannot bring the schema of the lineage "
              + config.describeDatabase()
              + " up to date: "
              + e.getMessage()
              + "\nIf this database was used by a newer Kiln, use that version; if its schema was"
              + " changed by hand, restore it from a backup.",
          e);
    }
    return new ConnectionPool(factory, config.poolSize(), first);
  }

  private static boolean isOpenFailure(SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("08"))
        || e.getErrorCode() == ErrorCode.FILE_CORRUPTED_1
        || e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1
        || e.getErrorCode() == ErrorCode.FILE_VERSION_ERROR_1;
  }

  /** A message for a database that could not be opened, by the most likely cause. */
  static LineageStoreException explain(StoreConfig config, SQLException e) {
    String said = firstLine(e.getMessage());
    if (config.isEmbedded()) {
      String file = config.databaseFile().toString();
      if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
        return new LineageStoreException(
            "the lineage database "
                + file
                + " is in use by another Kiln process (H2: "
                + said
                + "). Stop that process, or give this one its own KILN_HOME; to share one"
                + " store between processes, use PostgreSQL (KILN_DB_URL).",
            e);
      }
      if (Files.exists(config.databaseFile())) {
        return new LineageStoreException(
            "the lineage database "
                + file
                + " cannot be opened; it looks corrupted or was written by an incompatible H2"
                + " version (H2: "
                + said
                + "). Restore it from a backup, or move it aside (mv "
                + file
                + " "
                + file
                + ".broken) to start an empty store; the artifacts under "
                + config.artifactsDir()
                + " are kept either way.",
            e);
      }
      return new LineageStoreException(
          "cannot create the lineage database "
              + file
              + " (H2: "
              + said
              + "); check that KILN_HOME ("
              + config.kilnHome()
              + ") is a writable folder on a local disk.",
          e);
    }
    return new LineageStoreException(
        "cannot connect to the lineage "
            + config.describeDatabase()
            + (config.user() == null ? "" : " as user " + config.user())
            + ": "
            + said
            + " (SQL state "
            + e.getSQLState()
            + "). Check KILN_DB_URL, KILN_DB_USER and KILN_DB_PASSWORD, and that the database"
            + " server is running and reachable.",
        e);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.replaceAll("(?i)(password=)[^&;\\s]*", "$1***").strip();
  }

  private static void closeAfterFailure(Connection connection, Exception failure) {
    try {
      connection.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }
}
