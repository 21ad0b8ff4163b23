package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.validation.Severity;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A default that is not a number of an integer or float parameter's type is a located error
 * (stricter than the reference parser, which only warns); a number of the right type is fine.
 */
class NumericDefaultTest {
  private static final Path FILE = Path.of("valohai.yaml");

  private static ReadResult step(String type, String defaultYaml) {
    return ValohaiYaml.parse(
        FILE,
        "- step:\n"
            + "    name: train\n"
            + "    image: python:3.11\n"
            + "    command: python train.py {parameters}\n"
            + "    parameters:\n"
            + "      - name: epochs\n"
            + "        type: " + type + "\n"
            + "        default: " + defaultYaml + "\n");
  }

  @Test
  void integerDefaultLotsIsALocatedError() {
    ReadResult r = step("integer", "lots");
    assertThat(r.project()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    Diagnostic d = r.errors().get(0);
    assertThat(d.line()).isEqualTo(8);
    assertThat(d.col()).isEqualTo(18);
    assertThat(d.toString())
        .isEqualTo("valohai.yaml:8:18: error: step \"train\" › parameters[0].default: default lots"
            + " is not an integer; parameter \"epochs\" has type integer, so its `default` must be"
            + " an integer (Kiln refuses this, the reference parser only warns)");
    assertThat(Linter.fails(r.diagnostics(), false)).isTrue();
  }

  @Test
  void integerDefaultThreeIsFine() {
    ReadResult r = step("integer", "3");
    assertThat(r.diagnostics()).filteredOn(d -> d.severity() != Severity.NOTE).isEmpty();
    assertThat(r.project()).isPresent();
  }

  @Test
  void floatDefaultsThatAreNumbersAreFine() {
    for (String def : new String[] {"1e-3", "1.0e-3", "0.5", "2"}) {
      ReadResult r = step("float", def);
      assertThat(r.diagnostics()).as(def).filteredOn(d -> d.severity() != Severity.NOTE).isEmpty();
      assertThat(r.project()).as(def).isPresent();
    }
  }

  @Test
  void floatDefaultThatIsNotANumberIsAnError() {
    ReadResult r = step("float", "fast");
    assertThat(r.project()).isEmpty();
    assertThat(r.errors()).singleElement().satisfies(d -> {
      assertThat(d.line()).isEqualTo(8);
      assertThat(d.message()).contains("parameters[0].default: default fast is not a floating-point"
          + " number; parameter \"epochs\" has type float, so its `default` must be a"
          + " floating-point number");
    });
  }

  @Test
  void outOfRangeDefaultStaysAWarning() {
    ReadResult r = ValohaiYaml.parse(
        FILE,
        "- step:\n    name: train\n    image: python:3.11\n    command: python train.py\n"
            + "    parameters:\n      - name: epochs\n        type: integer\n        max: 10\n"
            + "        default: 11\n");
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings()).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("greater than the maximum"));
  }
}
