package dev.kiln.lineage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;

/**
 * A small fixed-size pool of JDBC connections, kept instead of a pool library because the store
 * needs little: at most {@code maxSize} connections, made on demand and reused, each in manual
 * commit mode. The first connection is made at open and never closed before {@link #close()}, so an
 * embedded H2 database stays open between calls (H2 closes a database with its last connection). A
 * connection that failed at the connection level is dropped, not reused.
 */
final class ConnectionPool implements AutoCloseable {
  /** Makes one new connection. */
  @FunctionalInterface
  interface Factory {
    Connection connect() throws SQLException;
  }

  private final Factory factory;
  private final Semaphore permits;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  ConnectionPool(Factory factory, int maxSize, Connection first) {
    this.factory = factory;
    this.permits = new Semaphore(maxSize, true);
    idle.push(first);
  }

  /** A connection for one transaction; give it back with {@link #release}. */
  Connection borrow() throws SQLException {
    permits.acquireUninterruptibly();
    try {
      Connection connection;
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("the lineage store is closed");
        }
        connection = idle.poll();
      }
      if (connection == null) {
        connection = factory.connect();
        connection.setAutoCommit(false);
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /** Returns a connection; a broken one is closed instead of reused. */
  void release(Connection connection, boolean broken) throws SQLException {
    try {
      boolean keep;
      synchronized (this) {
        keep = !broken && !closed;
        if (keep) {
          idle.push(connection);
        }
      }
      if (!keep) {
        connection.close();
      }
    } finally {
      permits.release();
    }
  }

  /** Closes the idle connections; borrowed ones are closed when they come back. */
  @Override
  public void close() throws SQLException {
    SQLException failure = null;
    synchronized (this) {
      closed = true;
      for (Connection connection : idle) {
        try {
          connection.close();
        } catch (SQLException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      idle.clear();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
