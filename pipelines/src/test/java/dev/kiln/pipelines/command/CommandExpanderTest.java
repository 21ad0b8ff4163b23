package dev.kiln.pipelines.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings follow valohai-yaml's build_command/format_cli and Python's shlex.quote. */
class CommandExpanderTest {
  static ParameterSpec.Builder p(String name, ParameterType t) {
    return ParameterSpec.builder(name, t);
  }

  static final List<ParameterSpec> SPECS =
      List.of(
          p("learning_rate", ParameterType.FLOAT).build(),
          p("epochs", ParameterType.INTEGER).build(),
          p("name", ParameterType.STRING).build(),
          p("verbose", ParameterType.FLAG).build(),
          p("shuffle", ParameterType.FLAG).optPassTrueAs("--shuffle").optPassFalseAs("--no-shuffle").build(),
          p("ids", ParameterType.INTEGER).optMultiple(MultipleMode.REPEAT).optPassAs("-i {v}").build(),
          p("tags", ParameterType.STRING).optMultiple(MultipleMode.SEPARATE).build(),
          p("unset", ParameterType.STRING).build());

  static Map<String, ParamValue> values() {
    Map<String, ParamValue> v = new LinkedHashMap<>();
    v.put("learning_rate", ParamValue.of(0.001));
    v.put("epochs", ParamValue.of(10));
    v.put("name", ParamValue.of("my model's run"));
    v.put("verbose", ParamValue.of(true));
    v.put("shuffle", ParamValue.of(false));
    v.put("ids", ParamValue.list(List.of(ParamValue.of(1), ParamValue.of(2))));
    v.put("tags", ParamValue.list(List.of(ParamValue.of("a"), ParamValue.of("b c"))));
    return v;
  }

  @Test
  void parametersExpandInDeclarationOrderAndAreQuoted() {
    assertThat(CommandExpander.expand(List.of("python train.py {parameters}"), SPECS, values()))
        .containsExactly(
            "python train.py --learning_rate=0.001 --epochs=10 '--name=my model'\"'\"'s run'"
                + " --verbose --no-shuffle -i 1 -i 2 '--tags=a,b c'");
  }

  @Test
  void singleParametersAndBareValues() {
    assertThat(
            CommandExpander.expand(
                List.of(
                    "  run {parameter:epochs} --n {parameter-value:name} {parameter:unset}x  ",
                    "echo ${HOME} {unknown} {parameter:nope} {parameter-value:verbose}"),
                SPECS,
                values()))
        .containsExactly(
            "run --epochs=10 --n 'my model'\"'\"'s run' x",
            "echo ${HOME} {unknown} {parameter:nope} True");
  }

  @Test
  void aFalseFlagWithoutPassFalseAsIsLeftOut() {
    Map<String, ParamValue> v = new LinkedHashMap<>();
    v.put("verbose", ParamValue.of(false));
    // "shuffle" has no value but a pass-false-as, so it still speaks, as in valohai-yaml.
    assertThat(CommandExpander.expand(List.of("x {parameters}"), SPECS, v))
        .containsExactly("x --no-shuffle");
  }

  @Test
  void pythonNumberFormatting() {
    assertThat(CommandExpander.pythonFloat(0.001)).isEqualTo("0.001");
    assertThat(CommandExpander.pythonFloat(1e-5)).isEqualTo("1e-05");
    assertThat(CommandExpander.pythonFloat(1.0)).isEqualTo("1.0");
    assertThat(CommandExpander.pythonFloat(-2.5e20)).isEqualTo("-2.5e+20");
    assertThat(CommandExpander.pythonFloat(123456.789)).isEqualTo("123456.789");
    assertThat(CommandExpander.pythonFloat(1e16)).isEqualTo("1e+16");
    assertThat(CommandExpander.pythonFloat(0.0001)).isEqualTo("0.0001");
  }

  @Test
  void shellQuotingMatchesShlex() {
    assertThat(CommandExpander.quote("")).isEqualTo("''");
    assertThat(CommandExpander.quote("--a=b/c.d:e,f@g%h+i")).isEqualTo("--a=b/c.d:e,f@g%h+i");
    assertThat(CommandExpander.quote("$(rm -rf /)")).isEqualTo("'$(rm -rf /)'");
    assertThat(CommandExpander.quote("it's")).isEqualTo("'it'\"'\"'s'");
  }

  @Test
  void aListForASingleValuedParameterIsRefused() {
    assertThatThrownBy(
            () ->
                CommandExpander.formatCli(
                    p("epochs", ParameterType.INTEGER).build(),
                    ParamValue.list(List.of(ParamValue.of(1)))))
        .hasMessage("parameter \"epochs\" takes one value, but was given a list");
  }
}
