package dev.kiln.lineage;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.lineage.artifact.S3Settings;
import dev.kiln.lineage.artifact.S3Uri;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Where the lineage store lives. {@code kilnHome} is required: it holds the artifact store ({@code
 * artifacts/}) and, unless {@code jdbcUrl} is set, the embedded H2 database ({@code
 * db/kiln.mv.db}). {@code jdbcUrl}, {@code user} and {@code password} are optional and select an
 * external database (PostgreSQL). {@code poolSize} caps the store's own connection pool (default
 * {@value #DEFAULT_POOL_SIZE}); {@code clock} stamps every time the store writes itself. {@code
 * s3Artifacts} (optional, with {@code s3Settings}) keeps the artifacts in S3 and {@code artifacts/}
 * as their local cache, so machines that do not share {@code KILN_HOME} share the artifacts.
 */
public record StoreConfig(
    Path kilnHome,
    String jdbcUrl,
    String user,
    String password,
    int poolSize,
    Clock clock,
    S3Uri s3Artifacts,
    S3Settings s3Settings) {
  public static final int DEFAULT_POOL_SIZE = 4;

  /** The folder under the working directory used when KILN_HOME is not set. */
  public static final String DEFAULT_HOME = ".kiln";

  public StoreConfig {
    Objects.requireNonNull(kilnHome, "kilnHome");
    kilnHome = kilnHome.toAbsolutePath().normalize();
    checkArgument(
        jdbcUrl == null || jdbcUrl.startsWith("jdbc:"),
        "database URL must start with jdbc: (e.g. jdbc:postgresql://host:5432/kiln), got '%s'",
        jdbcUrl);
    checkArgument(poolSize >= 1 && poolSize <= 64, "pool size must be 1..64, got %s", poolSize);
    clock = clock == null ? Clock.systemUTC() : clock;
    checkArgument(
        (s3Artifacts == null) == (s3Settings == null),
        "S3 artifacts need both their s3:// prefix and the S3 settings");
  }

  /** A store with its artifacts in {@code kilnHome}. */
  public StoreConfig(
      Path kilnHome, String jdbcUrl, String user, String password, int poolSize, Clock clock) {
    this(kilnHome, jdbcUrl, user, password, poolSize, clock, null, null);
  }

  /** The default store: embedded H2 under {@code kilnHome}. */
  public static StoreConfig ofHome(Path kilnHome) {
    return new StoreConfig(kilnHome, null, null, null, DEFAULT_POOL_SIZE, null);
  }

  /**
   * The configuration the CLI uses: {@code KILN_HOME} (default {@value #DEFAULT_HOME} in {@code
   * workingDir}; a relative value is taken from {@code workingDir}), {@code KILN_DB_URL} for an
   * external database with {@code KILN_DB_USER} and {@code KILN_DB_PASSWORD}, {@code
   * KILN_ARTIFACTS=s3://bucket/prefix} for artifacts in S3 (reached through {@link
   * S3Settings#fromEnvironment}: the AWS variables and {@code KILN_S3_ENDPOINT}). Blank values
   * count as unset.
   */
  public static StoreConfig fromEnvironment(Map<String, String> env, Path workingDir) {
    String home = blankToNull(env.get("KILN_HOME"));
    Path kilnHome = workingDir.resolve(home == null ? DEFAULT_HOME : home);
    StoreConfig config =
        new StoreConfig(
            kilnHome,
            blankToNull(env.get("KILN_DB_URL")),
            blankToNull(env.get("KILN_DB_USER")),
            blankToNull(env.get("KILN_DB_PASSWORD")),
            DEFAULT_POOL_SIZE,
            null);
    String artifacts = blankToNull(env.get("KILN_ARTIFACTS"));
    if (artifacts == null) {
      return config;
    }
    checkArgument(
        S3Uri.isS3(artifacts),
        "KILN_ARTIFACTS must be s3://bucket/prefix, got '%s' (for artifacts in a shared folder,"
            + " set KILN_HOME to that folder instead)",
        artifacts);
    return config.withS3Artifacts(S3Uri.parse(artifacts), S3Settings.fromEnvironment(env));
  }

  /** Artifacts under {@code prefix} in S3, {@code artifacts/} as their cache. */
  public StoreConfig withS3Artifacts(S3Uri prefix, S3Settings settings) {
    return new StoreConfig(
        kilnHome, jdbcUrl, user, password, poolSize, clock, prefix, settings);
  }

  public StoreConfig withJdbc(String jdbcUrl, String user, String password) {
    return new StoreConfig(
        kilnHome, jdbcUrl, user, password, poolSize, clock, s3Artifacts, s3Settings);
  }

  public StoreConfig withPoolSize(int poolSize) {
    return new StoreConfig(
        kilnHome, jdbcUrl, user, password, poolSize, clock, s3Artifacts, s3Settings);
  }

  public StoreConfig withClock(Clock clock) {
    return new StoreConfig(
        kilnHome, jdbcUrl, user, password, poolSize, clock, s3Artifacts, s3Settings);
  }

  /** True when the store is the embedded H2 database under {@code kilnHome}. */
  public boolean isEmbedded() {
    return jdbcUrl == null;
  }

  /** The H2 database's base name; H2 adds {@code .mv.db}. */
  public Path databaseBase() {
    return kilnHome.resolve("db").resolve("kiln");
  }

  /** The H2 database file as it appears on disk. */
  public Path databaseFile() {
    return kilnHome.resolve("db").resolve("kiln.mv.db");
  }

  /** True when the artifacts live in S3 ({@code KILN_ARTIFACTS}). */
  public boolean hasS3Artifacts() {
    return s3Artifacts != null;
  }

  /** The folder of the artifact store, or its local cache when the artifacts are in S3. */
  public Path artifactsDir() {
    return kilnHome.resolve("artifacts");
  }

  /**
   * The JDBC URL the store connects to. The embedded database runs inside this JVM only
   * (AUTO_SERVER=FALSE) and H2's default file lock keeps a second process out with a clear error
   * instead of corrupting the file; connections from the same JVM share it. DB_CLOSE_ON_EXIT=FALSE leaves
   * closing to Kiln, so a run stopped by a signal can still record that it stopped. WRITE_DELAY=0 writes
   * every commit to the file at once: H2 otherwise keeps up to 500 ms of commits in memory, and a
   * killed orchestrator would lose state changes it had already acted on (a test kills a writer to
   * prove it). It costs about 1 ms per commit.
   */
  public String effectiveJdbcUrl() {
    if (jdbcUrl != null) {
      return jdbcUrl;
    }
    String base = databaseBase().toString();
    checkArgument(!base.contains(";"), "KILN_HOME must not contain ';' (H2 cannot open %s)", base);
    return "jdbc:h2:file:" + base + ";AUTO_SERVER=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }

  /** The database for messages: a file, or the URL without any password in it. */
  public String describeDatabase() {
    return isEmbedded()
        ? "H2 database " + databaseFile()
        : "database " + jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "StoreConfig[kilnHome="
        + kilnHome
        + ", database="
        + describeDatabase()
        + ", user="
        + user
        + ", password="
        + (password == null ? "none" : "***")
        + ", poolSize="
        + poolSize
        + (s3Artifacts == null ? "" : ", artifacts=" + s3Artifacts + " " + s3Settings)
        + "]";
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
