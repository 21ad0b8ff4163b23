package dev.kiln.pipelines.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Step;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CommandExpander}, checked against the expectations of the reference parser's own tests
 * (valohai-yaml {@code tests/test_command.py}, {@code test_multiple_param.py}) on the same steps.
 */
class CommandExpanderReferenceTest {

  /** The "run training" step of the reference's example1.yaml. */
  static Step example1(String... command) {
    return Step.command("run training", command.length == 0
            ? new String[] {"python run.py train {params} -- mnist_all_full"} : command)
        .addParameter(ParameterSpec.builder("num-epochs", ParameterType.INTEGER)
            .optMin(1.0).optOptional(true).build())
        .addParameter(ParameterSpec.builder("seed", ParameterType.INTEGER).optDefault(1).build())
        .addParameter(ParameterSpec.builder("labeled-samples", ParameterType.INTEGER)
            .optDefault(60000).build())
        .addParameter(ParameterSpec.builder("unlabeled-samples", ParameterType.INTEGER)
            .optDefault(60000).build())
        .addParameter(ParameterSpec.builder("encoder-layers", ParameterType.STRING)
            .optDefault("1000-500-250-250-250-10").build())
        .addParameter(ParameterSpec.builder("denoising-cost-x", ParameterType.STRING)
            .optDefault("1000,1,0.01,0.01,0.01,0.01,0.01").build())
        .addParameter(ParameterSpec.builder("decoder-spec", ParameterType.STRING)
            .optPassAs("--decoder-spec {v}").optDefault("gauss").build())
        .addParameter(ParameterSpec.builder("sql-query", ParameterType.STRING)
            .optDefault("SELECT * FROM mytable").build())
        .build();
  }

  private static Map<String, ParamValue> values(Object... kv) {
    Map<String, ParamValue> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v == null ? null
          : v instanceof Integer n ? ParamValue.of(n.longValue())
          : v instanceof ParamValue pv ? pv : ParamValue.of((String) v));
    }
    return m;
  }

  @Test
  void parametersInDeclaredOrderWithDefaultsAndQuoting() {
    List<String> lines = CommandExpander.build(example1(), Map.of());
    assertThat(lines).containsExactly(
        "python run.py train --seed=1 --labeled-samples=60000 --unlabeled-samples=60000"
            + " --encoder-layers=1000-500-250-250-250-10"
            + " --denoising-cost-x=1000,1,0.01,0.01,0.01,0.01,0.01 --decoder-spec gauss"
            + " '--sql-query=SELECT * FROM mytable' -- mnist_all_full");
  }

  @Test
  void hostileValuesAreQuotedLikeShlex() {
    String command = String.join(" && ",
        CommandExpander.build(example1(), values("decoder-spec", "foo bar\"\"'\"'\"; quux")));
    assertThat(command).contains("--decoder-spec 'foo bar\"\"'\"'\"'\"'\"'\"'\"; quux'");
  }

  @Test
  void parameterInterpolation() {
    Step step = example1("asdf {parameter:decoder-spec} {parameter:hello} {parameter:decoder-spec}");
    assertThat(CommandExpander.build(step, values("decoder-spec", "hello", "num-epochs", 840)))
        .containsExactly("asdf --decoder-spec hello {parameter:hello} --decoder-spec hello");
  }

  @Test
  void parameterValueInterpolation() {
    Step step = example1(
        "asdf {parameter-value:decoder-spec} {parameter-value:hello} {parameter-value:decoder-spec}",
        "dsfargeg {parameter-value:num-epochs}",
        "{parameter-value:decoder-spec}");
    assertThat(String.join(" && ",
            CommandExpander.build(step, values("decoder-spec", "hello", "num-epochs", 840))))
        .isEqualTo("asdf hello {parameter-value:hello} hello && dsfargeg 840 && hello");
  }

  @Test
  void falsyValuesArePassedAndNullOmits() {
    Step step = example1("env ds={parameter-value:decoder-spec} eps={parameter-value:num-epochs} runrunrun");
    assertThat(CommandExpander.build(step, values("decoder-spec", "", "num-epochs", 0)))
        .containsExactly("env ds='' eps=0 runrunrun");
    Step omit = example1("echo {parameters}; echo {parameter:num-epochs}");
    assertThat(CommandExpander.build(omit, values("num-epochs", null)).get(0))
        .doesNotContain("num-epochs");
  }

  @Test
  void unknownBracesAndShellSyntaxStay() {
    assertThat(CommandExpander.expand(
            List.of("Where are the ${shell_unicorns}? The {parameters} are here!"),
            List.of(), Map.of(), Map.of()))
        .containsExactly("Where are the ${shell_unicorns}? The  are here!");
    assertThat(CommandExpander.expand(
            List.of("python {source-path}"), List.of(), Map.of(), Map.of("source-path", "foo.py")))
        .containsExactly("python foo.py");
  }

  /** The reference's multiple-param.yaml step. */
  static Step multipleStep() {
    return Step.command("example", "echo {parameters}")
        .addParameter(ParameterSpec.builder("unlabeled-samples", ParameterType.INTEGER)
            .optDefault(60000).build())
        .addParameter(ParameterSpec.builder("encoder-layers", ParameterType.INTEGER)
            .optMultiple(MultipleMode.SEPARATE).optMultipleSeparator("-")
            .optDefault(ParamValue.list(List.of(ParamValue.of(1000L), ParamValue.of(500L),
                ParamValue.of(250L), ParamValue.of(250L), ParamValue.of(250L), ParamValue.of(10L))))
            .build())
        .addParameter(ParameterSpec.builder("denoising-cost-x", ParameterType.FLOAT)
            .optMultiple(MultipleMode.SEPARATE).optMultipleSeparator(",")
            .optDefault(ParamValue.list(List.of(ParamValue.of(1000L), ParamValue.of(1L),
                ParamValue.of(0.01), ParamValue.of(0.01), ParamValue.of(0.01), ParamValue.of(0.01),
                ParamValue.of(0.01))))
            .build())
        .addParameter(ParameterSpec.builder("decoder-spec", ParameterType.STRING)
            .optPassAs("--decoder-spec {v}").optMultiple(MultipleMode.REPEAT)
            .optDefault(ParamValue.list(List.of(ParamValue.of("gauss"), ParamValue.of("railgun"))))
            .build())
        .build();
  }

  @Test
  void multipleSeparateAndRepeat() {
    Step step = multipleStep();
    assertThat(CommandExpander.build(step, Map.of())).containsExactly(
        "echo --unlabeled-samples=60000 --encoder-layers=1000-500-250-250-250-10"
            + " --denoising-cost-x=1000,1,0.01,0.01,0.01,0.01,0.01"
            + " --decoder-spec gauss --decoder-spec railgun");
    ParamValue twoE = ParamValue.list(List.of(ParamValue.of(2L), ParamValue.of("e")));
    assertThat(CommandExpander.build(step, values("encoder-layers", 6, "denoising-cost-x", twoE)))
        .containsExactly("echo --unlabeled-samples=60000 --encoder-layers=6 --denoising-cost-x=2,e"
            + " --decoder-spec gauss --decoder-spec railgun");
    assertThat(CommandExpander.build(step, values("encoder-layers", null, "denoising-cost-x", twoE)))
        .containsExactly("echo --unlabeled-samples=60000 --denoising-cost-x=2,e"
            + " --decoder-spec gauss --decoder-spec railgun");
    assertThat(CommandExpander.build(step,
            values("encoder-layers", ParamValue.list(List.of()), "denoising-cost-x", twoE)))
        .containsExactly("echo --unlabeled-samples=60000 --denoising-cost-x=2,e"
            + " --decoder-spec gauss --decoder-spec railgun");
  }

  @Test
  void flagsWithAndWithoutPassTrueFalseAs() {
    Step step = Step.command("test", "foo {parameters}")
        .addParameter(ParameterSpec.builder("case-insensitive", ParameterType.FLAG)
            .optPassTrueAs("--ignore-case").optPassFalseAs("--case-sensitive").build())
        .addParameter(ParameterSpec.builder("nice", ParameterType.FLAG)
            .optPassTrueAs("--behave-nice").build())
        .addParameter(ParameterSpec.builder("naughty", ParameterType.FLAG)
            .optPassFalseAs("--{name}=not-naughty").build())
        .addParameter(ParameterSpec.builder("plain", ParameterType.FLAG).optDefault(true).build())
        .build();
    ParamValue t = ParamValue.of(true);
    ParamValue f = ParamValue.of(false);
    assertThat(CommandExpander.build(step, values("case-insensitive", t, "nice", t, "naughty", t, "plain", t)))
        .containsExactly("foo --ignore-case --behave-nice --plain");
    assertThat(CommandExpander.build(step, values("case-insensitive", f, "nice", f, "naughty", f, "plain", f)))
        .containsExactly("foo --case-sensitive --naughty=not-naughty");
    // A flag's default does not apply when building (as in the reference parser).
    assertThat(CommandExpander.build(step, Map.of())).containsExactly("foo --case-sensitive --naughty=not-naughty");
  }

  @Test
  void shebangCommandsKeepTheirFirstLine() {
    Step step = Step.command("Do a thing",
            "#!/bin/bash\necho \"The wibble is {parameter:wibble} today.\"\nif [[ -z \"$1\" ]]; then echo no; fi\n")
        .addParameter(ParameterSpec.builder("wibble", ParameterType.INTEGER).build())
        .build();
    String joined = CommandExpander.join(CommandExpander.build(step, values("wibble", 42)), " && ");
    assertThat(joined).startsWith("#!/bin/bash\n").contains("The wibble is --wibble=42 today.");
  }

  @Test
  void joinLikeTheReference() {
    assertThat(CommandExpander.join(List.of("foo"), " && ")).isEqualTo("foo");
    assertThat(CommandExpander.join(List.of("foo", " ", "bar"), " && ")).isEqualTo("foo && bar");
    assertThat(CommandExpander.join(List.of("foo", " ", "bar"), "\n")).isEqualTo("foo\nbar");
    assertThat(CommandExpander.join(List.of("#!/bin/sh", "foo", " ", "bar"), " && "))
        .isEqualTo("#!/bin/sh\nfoo && bar");
    assertThat(CommandExpander.join(List.of("#!/bin/sh\nfoo", " ", "bar"), " && "))
        .isEqualTo("#!/bin/sh\nfoo && bar");
    assertThat(CommandExpander.join(List.of("#!/bin/bash\nfoo", "#!woop"), " && "))
        .isEqualTo("#!/bin/bash\nfoo && #!woop");
  }

  @Test
  void listForASingleValueParameterIsRefused() {
    ParameterSpec p = ParameterSpec.builder("lr", ParameterType.FLOAT).build();
    assertThatThrownBy(() -> CommandExpander.formatCli(p,
            ParamValue.list(List.of(ParamValue.of(0.1), ParamValue.of(0.2)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes one value");
  }

  @Test
  void pythonStrOfValues() {
    assertThat(CommandExpander.pythonFloat(1e-5)).isEqualTo("1e-05");
    assertThat(CommandExpander.pythonFloat(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(CommandExpander.pythonFloat(1e16)).isEqualTo("1e+16");
    assertThat(CommandExpander.pythonFloat(1e7)).isEqualTo("10000000.0");
    assertThat(CommandExpander.pythonFloat(0.0001)).isEqualTo("0.0001");
    assertThat(CommandExpander.pythonFloat(0.01)).isEqualTo("0.01");
    assertThat(CommandExpander.pythonFloat(1000.0)).isEqualTo("1000.0");
    assertThat(CommandExpander.pythonStr(ParamValue.of(true))).isEqualTo("True");
    assertThat(CommandExpander.pythonStr(ParamValue.list(List.of(ParamValue.of("a"), ParamValue.of(1L)))))
        .isEqualTo("['a', 1]");
  }

  @Test
  void shellQuoteMatchesShlex() {
    assertThat(CommandExpander.quote("")).isEqualTo("''");
    assertThat(CommandExpander.quote("--lr=0.1")).isEqualTo("--lr=0.1");
    assertThat(CommandExpander.quote("a b")).isEqualTo("'a b'");
    assertThat(CommandExpander.quote("it's")).isEqualTo("'it'\"'\"'s'");
    assertThat(CommandExpander.quote("caf\u00e9")).isEqualTo("'caf\u00e9'");
  }
}
