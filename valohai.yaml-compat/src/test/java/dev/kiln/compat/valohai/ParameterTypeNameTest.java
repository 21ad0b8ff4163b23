package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A parameter type spelled as in another language names the valohai.yaml type to use. */
class ParameterTypeNameTest {
  @ParameterizedTest
  @CsvSource({"int,integer", "double,float", "bool,flag", "boolean,flag", "str,string"})
  void aliasIsAnUnknownTypeWithTheRightName(String given, String right) {
    String yaml =
        "- step:\n    name: s\n    image: python:3.12\n    command: echo\n    parameters:\n"
            + "      - name: p\n        type: " + given + "\n";
    ReadResult r = ValohaiYaml.parse(Path.of("valohai.yaml"), yaml);
    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .anySatisfy(
            d -> assertThat(d)
                .startsWith("valohai.yaml:7:15: error: ")
                .endsWith("unknown type `" + given + "`; use " + right));
    assertThat(r.diagnostics()).extracting(Diagnostic::toString)
        .noneMatch(d -> d.contains("not a string"));
  }
}
