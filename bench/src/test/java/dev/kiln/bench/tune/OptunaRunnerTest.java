package dev.kiln.bench.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runner.cli.KilnCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Reading optuna_tune.py's output, and (where /usr/bin/python3 has optuna) running it. */
class OptunaRunnerTest {
  private static final double[] MIN = {Math.PI, 2.275};
  private static final double[] CORNER = {-5, 0};

  private static String json(String problem, String sampler, long seed, double v1, double v2) {
    return String.format(
        Locale.ROOT,
        "{\"optuna\": \"3.1.0\", \"problem\": \"%s\", \"sampler\": \"%s\", \"runs\": [{\"seed\": %d,"
            + " \"x\": [[%s, %s], [%s, %s]], \"values\": [%s, %s]}]}",
        problem, sampler, seed, CORNER[0], CORNER[1], MIN[0], MIN[1], v1, v2);
  }

  @Test
  void parsesTheRunsAndTheirNoiselessValues() {
    double c = Problem.BRANIN.value(CORNER);
    double m = Problem.BRANIN.value(MIN);
    List<SeedRun> runs =
        OptunaRunner.parse(json("branin", "tpe", 3, c, m), Problem.BRANIN, "tpe", List.of(3L), 2);
    assertThat(runs).hasSize(1);
    SeedRun r = runs.get(0);
    assertThat(r.seed()).isEqualTo(3);
    assertThat(r.xs().get(1)).containsExactly(MIN);
    assertThat(r.regretAfter(1, Problem.BRANIN.globalMin())).isCloseTo(307.7312, within(1e-3));
    assertThat(r.regretAfter(2, Problem.BRANIN.globalMin())).isCloseTo(0, within(1e-6));
  }

  @Test
  void noisyValuesMustCarryTheSharedNoise() {
    double c = Problem.NOISY_BRANIN.observed(CORNER, 5, 1);
    double m = Problem.NOISY_BRANIN.observed(MIN, 5, 2);
    List<SeedRun> runs =
        OptunaRunner.parse(
            json("noisy-branin", "random", 5, c, m), Problem.NOISY_BRANIN, "random", List.of(5L), 2);
    assertThat(runs.get(0).observed()).containsExactly(c, m);
    assertThat(runs.get(0).noiseless())
        .containsExactly(Problem.BRANIN.value(CORNER), Problem.BRANIN.value(MIN));
    // The noiseless value where the noisy one was expected is caught.
    double plain = Problem.BRANIN.value(MIN);
    assertThatThrownBy(
            () ->
                OptunaRunner.parse(
                    json("noisy-branin", "random", 5, c, plain),
                    Problem.NOISY_BRANIN,
                    "random",
                    List.of(5L),
                    2))
        .hasMessageStartingWith(
            "optuna_tune.py noisy-branin random seed 5 trial 2: the script reports " + plain);
  }

  @Test
  void rejectsOutputThatDoesNotMatchTheRequest() {
    double c = Problem.BRANIN.value(CORNER);
    double m = Problem.BRANIN.value(MIN);
    String ok = json("branin", "tpe", 3, c, m);
    assertThatThrownBy(() -> OptunaRunner.parse(ok, Problem.BRANIN, "tpe", List.of(3L), 3))
        .hasMessage("optuna_tune.py branin tpe seed 3: 2 points and 2 values, expected 3 trials");
    assertThatThrownBy(() -> OptunaRunner.parse(ok, Problem.BRANIN, "tpe", List.of(4L), 2))
        .hasMessage("optuna_tune.py branin tpe: runs[0] is seed 3, expected 4");
    assertThatThrownBy(() -> OptunaRunner.parse(ok, Problem.HARTMANN6, "tpe", List.of(3L), 2))
        .hasMessage("optuna_tune.py hartmann6 tpe: the output is for branin tpe");
    assertThatThrownBy(() -> OptunaRunner.parse("Traceback", Problem.BRANIN, "tpe", List.of(3L), 2))
        .hasMessageStartingWith("optuna_tune.py wrote something that is not JSON");
  }

  private static boolean pythonHasOptuna() throws InterruptedException {
    return new OptunaRunner("/usr/bin/python3").version().version() != null;
  }

  @Test
  void runsOptunasSamplersThroughTheScript() throws Exception {
    assumeTrue(pythonHasOptuna(), "/usr/bin/python3 has no optuna (apt-get install python3-optuna)");
    OptunaRunner runner = new OptunaRunner("/usr/bin/python3");
    List<String> log = new ArrayList<>();
    // Each problem once and each sampler once (a Python start costs seconds); parse() checks every
    // value against the Java copy of the function and the noise.
    List<Problem> problems = List.of(Problem.BRANIN, Problem.HARTMANN6, Problem.NOISY_BRANIN);
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      List<SeedRun> runs = runner.run(p, OptunaRunner.SAMPLERS.get(i), List.of(1L, 2L), 12, log::add);
      assertThat(runs).extracting(SeedRun::seed).containsExactly(1L, 2L);
      for (SeedRun r : runs) {
        assertThat(r.trials()).isEqualTo(12);
        assertThat(r.regretAfter(12, p.globalMin())).isGreaterThanOrEqualTo(0);
        if (p.noiseSd() == 0) {
          assertThat(r.regretAfter(12, p.globalMin())).isLessThanOrEqualTo(r.regretAfter(1, p.globalMin()));
        }
      }
    }
    assertThat(log).isEmpty();
  }

  @Test
  void theBenchRunsSideBySideThroughTheCli() throws Exception {
    assumeTrue(pythonHasOptuna(), "/usr/bin/python3 has no optuna (apt-get install python3-optuna)");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"bench", "tune", "--seeds", "2", "--trials", "12,50", "--problems", "branin"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("| problem | sampler | 12 trials: median | p80 | 50 trials: median | p80 |")
        .containsPattern("\\| branin \\| optuna-tpe-multivariate \\| [0-9.e+-]+ \\|")
        .containsPattern("\\| branin \\| 50 \\| kiln-random \\| [0-9.]+ \\| <= 0.333 \\| (PASS|FAIL) \\|")
        .containsPattern("\\d of 3 targets PASS");
    assertThat(err.toString()).contains("[ 5/5] optuna-random on branin: 2 seeds x 50 trials in");
  }
}
