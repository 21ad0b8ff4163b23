package dev.kiln.runner.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BeamSettingsTest {
  @Test
  void defaultsToAnEmbeddedFlinkWithOneSlotPerCore() {
    BeamSettings s = BeamSettings.fromEnvironment(Map.of());
    assertThat(s.mode()).isEqualTo(BeamSettings.Mode.FLINK);
    assertThat(s.flinkMaster()).isEmpty();
    assertThat(s.parallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void readsRunnerMasterAndParallelism() {
    assertThat(
            BeamSettings.fromEnvironment(
                Map.of("KILN_BEAM_RUNNER", "Direct", "KILN_BEAM_PARALLELISM", "3")))
        .isEqualTo(new BeamSettings(BeamSettings.Mode.DIRECT, Optional.empty(), 3));
    assertThat(BeamSettings.fromEnvironment(Map.of("KILN_FLINK_MASTER", "flink.local:8081")))
        .isEqualTo(
            BeamSettings.flinkCluster(
                "flink.local:8081", Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> BeamSettings.fromEnvironment(Map.of("KILN_BEAM_RUNNER", "spark")))
        .hasMessage("KILN_BEAM_RUNNER is \"spark\"; expected direct or flink");
    assertThatThrownBy(() -> BeamSettings.fromEnvironment(Map.of("KILN_FLINK_MASTER", "host")))
        .hasMessage("KILN_FLINK_MASTER \"host\" is not host:port (for example localhost:8081)");
    assertThatThrownBy(
            () ->
                BeamSettings.fromEnvironment(
                    Map.of("KILN_BEAM_RUNNER", "direct", "KILN_FLINK_MASTER", "h:1")))
        .hasMessage(
            "KILN_FLINK_MASTER is set (h:1) but KILN_BEAM_RUNNER is direct; unset one of them");
    assertThatThrownBy(() -> BeamSettings.fromEnvironment(Map.of("KILN_BEAM_PARALLELISM", "zero")))
        .hasMessage("KILN_BEAM_PARALLELISM is \"zero\"; expected a whole number of at least 1");
  }

  @Test
  void directEngineGivesDirectRunnerArgumentsAndStartsNothing() {
    try (BeamEngine e = new BeamEngine(BeamSettings.direct(2))) {
      assertThat(e.engineOptions())
          .containsEntry(
              "beam.args",
              "--runner=DirectRunner --targetParallelism=2 --enforceImmutability=false"
                  + " --enforceEncodability=false");
      assertThat(e.clusterStarts()).isZero();
    }
  }

  @Test
  void aClusterMasterIsPassedThrough() {
    try (BeamEngine e = new BeamEngine(BeamSettings.flinkCluster("10.1.2.3:8081", 4))) {
      assertThat(e.beamArgs())
          .containsExactly(
              "--runner=FlinkRunner",
              "--parallelism=4",
              "--fasterCopy=true",
              "--flinkMaster=10.1.2.3:8081");
      assertThat(e.clusterStarts()).isZero();
    }
  }
}
