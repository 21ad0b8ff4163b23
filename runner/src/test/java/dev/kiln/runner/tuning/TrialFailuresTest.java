package dev.kiln.runner.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.tuning.Algorithm;
import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.MetricValue;
import dev.kiln.pipelines.tuning.OnTrialError;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrialFailuresTest {
  static TuningSpec spec(OnTrialError policy, int maxFailed) {
    return new TuningSpec(
        "loss", Goal.MINIMIZE, List.of(new SearchParameter.IntegerRange("epochs", 1, 10, dev.kiln.pipelines.tuning.Scale.LINEAR)),
        Algorithm.RANDOM_SEARCH, 10, 2, maxFailed, false, Optional.empty(), MetricValue.LAST,
        Map.of(), List.of(), Optional.empty(), Optional.empty(), policy, false);
  }

  @Test
  void failureBudgetIsAiPlatformsMaxFailedTrials() {
    TuningSpec s = spec(OnTrialError.FAILURE_BUDGET, 3);
    assertThat(TrialFailures.stopAfterFailure(s, 2)).isFalse();
    assertThat(TrialFailures.stopAfterFailure(s, 3)).isTrue();
    assertThat(TrialFailures.jobFailed(s, 2, 8)).isFalse();
    assertThat(TrialFailures.jobFailed(s, 3, 7)).isTrue();
    // 0 reads as "as many as maxTrials": only a job whose every trial failed fails
    TuningSpec all = spec(OnTrialError.FAILURE_BUDGET, 0);
    assertThat(TrialFailures.stopAfterFailure(all, 9)).isFalse();
    assertThat(TrialFailures.jobFailed(all, 9, 1)).isFalse();
    assertThat(TrialFailures.jobFailed(all, 10, 0)).isTrue();
  }

  @Test
  void valohaisOnChildError() {
    TuningSpec stop = spec(OnTrialError.STOP_ALL_AND_ERROR, 0);
    assertThat(TrialFailures.stopAfterFailure(stop, 1)).isTrue();
    assertThat(TrialFailures.jobFailed(stop, 1, 4)).isTrue();
    TuningSpec goOnAndFail = spec(OnTrialError.CONTINUE_AND_ERROR, 0);
    assertThat(TrialFailures.stopAfterFailure(goOnAndFail, 9)).isFalse();
    assertThat(TrialFailures.jobFailed(goOnAndFail, 1, 9)).isTrue();
    assertThat(TrialFailures.jobFailed(goOnAndFail, 0, 10)).isFalse();
    TuningSpec complete = spec(OnTrialError.CONTINUE_AND_COMPLETE, 0);
    assertThat(TrialFailures.stopAfterFailure(complete, 9)).isFalse();
    assertThat(TrialFailures.jobFailed(complete, 9, 1)).isFalse();
    assertThat(TrialFailures.jobFailed(complete, 10, 0)).isTrue();
  }
}
