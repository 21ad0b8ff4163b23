package dev.kiln.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark on a tiny dataset: every engine converts every record, and the table says so. */
class ConvertBenchTest {
  @TempDir Path dir;

  @Test
  void measuresEveryEngineOnTheSameRecords() throws Exception {
    ConvertBench.Settings s =
        ConvertBench.parse(
            new String[] {
              "--images",
              "24",
              "--size",
              "64",
              "--shards",
              "2",
              "--parallelism",
              "2",
              "--work",
              dir.toString()
            });
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<ConvertBench.Row> rows =
        ConvertBench.run(s, new PrintStream(log, true, StandardCharsets.UTF_8));

    assertThat(rows)
        .extracting(r -> r.engine() + "/" + r.cache())
        .containsExactly(
            "plain/cold",
            "plain/warm",
            "beam-direct/cold",
            "beam-direct/warm",
            "beam-flink/cold (+ Flink start)",
            "beam-flink/cold",
            "beam-flink/warm");
    assertThat(rows).allSatisfy(r -> assertThat(r.records()).isEqualTo(24));
    assertThat(rows).extracting(ConvertBench.Row::bytes).containsOnly(rows.get(0).bytes());
    String table = ConvertBench.table(s, rows);
    assertThat(table)
        .startsWith("24 images 64x64, 2 shards per split, parallelism 2")
        .contains("| plain | cold |")
        .contains("| beam-flink | warm |");
  }

  @Test
  void unknownOptionsAreNamed() {
    assertThatThrownBy(() -> ConvertBench.parse(new String[] {"--imgs", "3"}))
        .hasMessage(
            "unknown option --imgs (known: --images --size --shards --parallelism --work"
                + " --engines)");
  }
}
