package dev.kiln.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreConfigTest {
  private final Path cwd = Path.of("/work/project");

  @Test
  void defaultsToDotKilnInTheWorkingDirectoryAndEmbeddedH2() {
    StoreConfig config = StoreConfig.fromEnvironment(Map.of(), cwd);
    assertThat(config.kilnHome()).isEqualTo(Path.of("/work/project/.kiln"));
    assertThat(config.isEmbedded()).isTrue();
    assertThat(config.databaseFile()).isEqualTo(Path.of("/work/project/.kiln/db/kiln.mv.db"));
    assertThat(config.artifactsDir()).isEqualTo(Path.of("/work/project/.kiln/artifacts"));
    assertThat(config.effectiveJdbcUrl())
        .isEqualTo("jdbc:h2:file:/work/project/.kiln/db/kiln;AUTO_SERVER=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
    assertThat(config.poolSize()).isEqualTo(StoreConfig.DEFAULT_POOL_SIZE);
  }

  @Test
  void readsKilnHomeAbsoluteOrRelativeAndBlankMeansUnset() {
    assertThat(StoreConfig.fromEnvironment(Map.of("KILN_HOME", "/var/kiln"), cwd).kilnHome())
        .isEqualTo(Path.of("/var/kiln"));
    assertThat(StoreConfig.fromEnvironment(Map.of("KILN_HOME", "state/../home"), cwd).kilnHome())
        .isEqualTo(Path.of("/work/project/home"));
    assertThat(StoreConfig.fromEnvironment(Map.of("KILN_HOME", "  "), cwd).kilnHome())
        .isEqualTo(Path.of("/work/project/.kiln"));
  }

  @Test
  void readsAnExternalDatabaseAndNeverPrintsItsPassword() {
    StoreConfig config =
        StoreConfig.fromEnvironment(
            Map.of(
                "KILN_DB_URL", "jdbc:postgresql://db:5432/kiln?password=hunter2",
                "KILN_DB_USER", "kiln",
                "KILN_DB_PASSWORD", "s3cret"),
            cwd);
    assertThat(config.isEmbedded()).isFalse();
    assertThat(config.effectiveJdbcUrl())
        .isEqualTo("jdbc:postgresql://db:5432/kiln?password=hunter2");
    assertThat(config.user()).isEqualTo("kiln");
    assertThat(config.password()).isEqualTo("s3cret");
    assertThat(config.toString())
        .isEqualTo(
            "StoreConfig[kilnHome=/work/project/.kiln, database=database"
                + " jdbc:postgresql://db:5432/kiln?password=***, user=kiln, password=***,"
                + " poolSize=4]");
  }

  @Test
  void rejectsWhatCannotWork() {
    assertThatThrownBy(() -> StoreConfig.ofHome(cwd).withJdbc("postgresql://db/kiln", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "database URL must start with jdbc: (e.g. jdbc:postgresql://host:5432/kiln), got"
                + " 'postgresql://db/kiln'");
    assertThatThrownBy(() -> StoreConfig.ofHome(cwd).withPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pool size must be 1..64, got 0");
    assertThatThrownBy(() -> StoreConfig.ofHome(Path.of("/tmp/a;b")).effectiveJdbcUrl())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("KILN_HOME must not contain ';' (H2 cannot open /tmp/a;b/db/kiln)");
  }
}
