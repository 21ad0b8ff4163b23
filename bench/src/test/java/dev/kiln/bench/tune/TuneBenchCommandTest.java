package dev.kiln.bench.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.runner.cli.KilnCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln bench tune} with Kiln's samplers only, and its option checks. */
class TuneBenchCommandTest {
  @Test
  void kilnSamplersOnlyWithJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("tune.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {
              "bench", "tune", "--no-optuna", "--seeds", "3", "--trials", "5,50", "--json", json.toString()
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Optuna not run")
        .containsPattern("\\| hartmann6 \\| kiln-tpe \\| [0-9.e+-]+ \\| [0-9.e+-]+ \\|")
        .containsPattern("\\| noisy-branin \\| 50 \\| kiln-random \\| [0-9.]+ \\| <= 0.333 \\| (PASS|FAIL) \\|")
        .containsPattern("\\d of 3 targets PASS")
        .containsPattern("\\| hartmann6 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|");
    assertThat(err.toString()).contains("[ 6/6] kiln-random on noisy-branin: 3 seeds x 50 trials in");
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.path("results")).hasSize(6);
    JsonNode first = root.path("results").get(0);
    assertThat(first.path("problem").asText()).isEqualTo("branin");
    assertThat(first.path("sampler").asText()).isEqualTo("kiln-tpe");
    JsonNode at50 = first.path("checkpoints").get(1);
    assertThat(at50.path("regretBySeed")).hasSize(3);
    // The median in the file is the median of its per-seed regrets.
    double[] r = new double[3];
    for (int i = 0; i < 3; i++) {
      r[i] = at50.path("regretBySeed").get(i).asDouble();
    }
    Arrays.sort(r);
    assertThat(at50.path("medianRegret").asDouble()).isEqualTo(r[1]);
    // Regret after 50 trials is never above regret after 5 on a noiseless problem.
    for (int i = 0; i < 3; i++) {
      assertThat(at50.path("regretBySeed").get(i).asDouble())
          .isLessThanOrEqualTo(first.path("checkpoints").get(0).path("regretBySeed").get(i).asDouble());
    }
  }

  @Test
  void badOptionsAreAllReported() {
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {
              "bench", "tune", "--seeds", "0", "--trials", "0,10", "--problems", "rosenbrock", "--tpe", "10"
            },
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("kiln bench tune: --seeds must be at least 1, got 0")
        .contains("kiln bench tune: --trials needs trial counts of at least 1, got [0, 10]")
        .contains(
            "kiln bench tune: --problems: unknown problem \"rosenbrock\" (known: branin, hartmann6,"
                + " noisy-branin)")
        .contains("kiln bench tune: --tpe must be STARTUP,CANDIDATES[,univariate], e.g. 10,24, got \"10\"");
  }

  @Test
  void aPythonWithoutOptunaSaysHowToFixIt() {
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"bench", "tune", "--python", "/nonexistent/python3"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("kiln bench tune: cannot start /nonexistent/python3")
        .contains("pass --python or --no-optuna");
  }
}
