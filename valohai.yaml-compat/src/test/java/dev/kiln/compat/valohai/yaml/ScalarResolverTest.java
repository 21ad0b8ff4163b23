package dev.kiln.compat.valohai.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Plain scalars resolve as PyYAML's safe loader resolves them (YAML 1.1). */
class ScalarResolverTest {
  private static YamlNode.YamlScalar plain(String text) {
    return ScalarResolver.resolve(new Mark(1, 1), text, true);
  }

  @Test
  void yaml11Rules() {
    assertThat(plain("yes").value()).isEqualTo(true);
    assertThat(plain("Off").value()).isEqualTo(false);
    assertThat(plain("y").kind()).isEqualTo(ScalarKind.STRING);
    assertThat(plain("~").kind()).isEqualTo(ScalarKind.NULL);
    assertThat(plain("0755").value()).isEqualTo(493L);
    assertThat(plain("0x1F").value()).isEqualTo(31L);
    assertThat(plain("1_000").value()).isEqualTo(1000L);
    assertThat(plain("1:30").value()).isEqualTo(90L);
    assertThat(plain("99999999999999999999").value()).isEqualTo(new BigInteger("99999999999999999999"));
    assertThat(plain("1e5").kind()).isEqualTo(ScalarKind.STRING);
    assertThat(plain("1.0e+5").value()).isEqualTo(100000.0);
    assertThat(plain(".5").value()).isEqualTo(0.5);
    assertThat(plain("-.inf").value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(plain("2020-09-02T00:00:00.000000Z").kind()).isEqualTo(ScalarKind.TIMESTAMP);
    assertThat(plain("2020-09-02").kind()).isEqualTo(ScalarKind.TIMESTAMP);
    assertThat(plain("16,32,64").kind()).isEqualTo(ScalarKind.STRING);
    assertThat(ScalarResolver.resolve(new Mark(1, 1), "yes", false).value()).isEqualTo("yes");
  }
}
