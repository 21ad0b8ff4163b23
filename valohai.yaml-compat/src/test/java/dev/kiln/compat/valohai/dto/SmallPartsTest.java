package dev.kiln.compat.valohai.dto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations, stop-condition syntax, did-you-mean, edge-end splitting, YAML quoting. */
class SmallPartsTest {
  @Test
  void durations() {
    assertThat(Durations.parse("300")).isEqualTo(Duration.ofSeconds(300));
    assertThat(Durations.parse("1h 30m 5s")).isEqualTo(Duration.ofSeconds(5405));
    assertThat(Durations.parse("48h")).isEqualTo(Duration.ofSeconds(172800));
    assertThat(Durations.parse("1.5d")).isEqualTo(Duration.ofHours(36));
    assertThat(Durations.parse("2 weeks")).isEqualTo(Duration.ofDays(14));
    assertThatThrownBy(() -> Durations.parse("5 parsecs"))
        .hasMessage("unknown duration unit `parsecs` in `5 parsecs` (use s, m, h, d or w)");
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> Durations.parse("0s")).hasMessageContaining("must be positive");
  }

  @Test
  void stopConditionSyntax() {
    assertThat(ExpressionSyntax.check("stop > 1")).isEmpty();
    assertThat(ExpressionSyntax.check("metadata.loss < 0.1 and not (epoch in [1, 2])")).isEmpty();
    assertThat(ExpressionSyntax.check("a if b else c")).isEmpty();
    assertThat(ExpressionSyntax.check("max(x, 2) ** 2 >= -1e-3")).isEmpty();
    assertThat(ExpressionSyntax.check("stop me if you can")).contains("unexpected `me` at column 6");
    assertThat(ExpressionSyntax.check("can't stop me now"))
        .contains("unterminated string starting at column 4");
    assertThat(ExpressionSyntax.check("a = 1")).get().asString().contains("use `==`");
    assertThat(ExpressionSyntax.check("(a")).contains("expected `)` but found end of expression at column 3");
    assertThat(ExpressionSyntax.check("")).contains("unexpected end of expression");
  }

  @Test
  void edgeEndsSplitOnTheFirstTwoDotsOnly() {
    assertThat(ConfigLinter.splitEnd("convert-superbai.output.classes.txt"))
        .containsExactly("convert-superbai", "output", "classes.txt");
    assertThat(ConfigLinter.splitEnd("batch2.input")).containsExactly("batch2", "input");
  }

  @Test
  void emitterQuotesWhatWouldNotReadBackAsTheSameString() {
    assertThat(YamlEmitter.scalar("busybox")).isEqualTo("busybox");
    assertThat(YamlEmitter.scalar("python:3.12")).isEqualTo("\"python:3.12\"");
    assertThat(YamlEmitter.scalar("yes")).isEqualTo("\"yes\"");
    assertThat(YamlEmitter.scalar("1e5")).isEqualTo("\"1e5\"");
    assertThat(YamlEmitter.scalar("2020-09-02")).isEqualTo("\"2020-09-02\"");
    assertThat(YamlEmitter.scalar("echo {parameters}")).isEqualTo("\"echo {parameters}\"");
    assertThat(YamlEmitter.scalar("a\nb \"q\"")).isEqualTo("\"a\\nb \\\"q\\\"\"");
    assertThat(YamlEmitter.number(0.001)).isEqualTo("0.001");
    assertThat(YamlEmitter.number(1e-10)).isEqualTo("1.0e-10");
    assertThat(YamlEmitter.number(1e20)).isEqualTo("1.0e+20");
    assertThat(YamlEmitter.number(3)).isEqualTo("3.0");
  }
}
