package dev.kiln.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Step;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepCommandTest {
  static final Step STEP =
      Step.command("s", "x")
          .addParameter(ParameterSpec.builder("epochs", ParameterType.INTEGER).optDefault(10).optMin(1.0).build())
          .addParameter(ParameterSpec.builder("lr", ParameterType.FLOAT).build())
          .addParameter(ParameterSpec.builder("verbose", ParameterType.FLAG).build())
          .build();

  @Test
  void valohaiStyleArgumentsAreTypedAndDefaultsFilledIn() {
    assertThat(StepCommand.parameters(STEP, List.of("--lr=0.01", "--verbose")))
        .containsEntry("epochs", ParamValue.of(10))
        .containsEntry("lr", ParamValue.of(0.01))
        .containsEntry("verbose", ParamValue.of(true));
  }

  @Test
  void everyBadArgumentIsReported() {
    assertThatThrownBy(() -> StepCommand.parameters(STEP, List.of("--epochs=0", "--lr=fast", "--nope=1", "stray")))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "unexpected argument stray (parameters are --NAME=VALUE)\n"
                + "  --epochs: 0 is less than the minimum (1)\n"
                + "  --lr: parameter \"lr\" is a float, but was given \"fast\"\n"
                + "  step s has no parameter \"nope\" (known: epochs, lr, verbose)");
  }

  @Test
  void anUnknownBuiltInStepIsNamed() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(new String[] {"step", "trian"}, new PrintWriter(out), new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("no built-in step \"trian\"").contains("did you mean \"train\"?");
  }
}
