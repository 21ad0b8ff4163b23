package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.tuning.Algorithm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialOverheadBenchTest {
  @TempDir Path home;

  @Test
  void aSmallJobRunsEveryTrialToTheEnd() throws Exception {
    TrialOverheadBench.Result r = TrialOverheadBench.measure(6, 2, Algorithm.BAYESIAN_TPE, home);
    assertThat(r.status()).isEqualTo("SUCCEEDED");
    assertThat(r.trials()).isEqualTo(6);
    assertThat(r.perTrialMs()).isPositive();
  }
}
