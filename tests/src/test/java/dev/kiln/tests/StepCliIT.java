package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln step NAME} outside a Valohai execution folder. */
class StepCliIT {
  @TempDir Path dir;

  @Test
  void aStepWithoutItsInputsIsAUserMistakeNotAnInternalError() throws Exception {
    Path log = dir.resolve("step.log");
    Process p = KilnProcess.start(dir, Map.of(), log, "step", "convert-labels");
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(log);
    assertThat(p.exitValue()).as(text).isEqualTo(2);
    assertThat(text)
        .doesNotContain("internal error")
        .contains("step convert-labels: input \"labels\" is empty")
        .contains("run it inside a Valohai execution folder");
  }
}
