package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.runner.cli.KilnCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code kiln bench} finds the benchmarks of this jar through ServiceLoader and runs them. */
class BenchCommandTest {
  @Test
  void orchestratorBenchmarkRunsThroughTheCli() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"bench", "orchestrator", "--nodes", "12", "--slots", "2"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("| nodes | plan (ms) | run (ms) | overhead per node (ms) | status |")
        .containsPattern("\\| 12 \\| \\d+ \\| \\d+ \\| [0-9.]+ \\| SUCCEEDED \\|");
  }

  @Test
  void benchListsItsSubcommands() {
    StringWriter out = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"bench"}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));
    assertThat(code).isZero();
    assertThat(out.toString()).contains("orchestrator");
  }
}
