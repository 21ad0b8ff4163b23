package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.validation.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every corpus file gives the outcome EXPECTED.md lists, located by line and column. */
class CorpusTest {

  /** line, column, and a piece of the message that carries its substance. */
  record Expect(int line, int col, String text) {
    @Override
    public String toString() {
      return line + ":" + col + " " + text;
    }
  }

  static Expect at(int line, int col, String text) {
    return new Expect(line, col, text);
  }

  static final Map<String, List<Expect>> ERRORS = new LinkedHashMap<>();

  static {
    ERRORS.put("endpoint-names-invalid", List.of(
        at(2, 11, "endpoint name `Server-endpoint` must start with a lowercase letter"),
        at(8, 11, "endpoint name `3-server-endpoint` must start with a lowercase letter"),
        at(14, 11, "endpoint name `server@endpoint` must start"),
        at(20, 11, "endpoint name `wsgi_endpoint` must start")));
    ERRORS.put("input-name-too-long", List.of(
        at(6, 15, "is 69 characters long; at most 64 are allowed")));
    ERRORS.put("invalid-YAML-indentation", List.of(
        at(3, 10, "YAML syntax error: mapping values are not allowed here")));
    ERRORS.put("invalid-edge-parts", List.of(
        at(19, 42, "Target specifier 'batch2.input' must have 3 parts (it has 2)")));
    ERRORS.put("invalid-indentation-with-valid-YAML", List.of(
        at(1, 3, "`step` is null, not a mapping; this is valid YAML, but probably an indentation error")));
    ERRORS.put("invalid-shorthand-edge", List.of(
        at(16, 9, "malformed edge shorthand ['batch1.input.training-labels*']")));
    ERRORS.put("invalid-on-error-value", List.of(
        at(24, 19, "on-error: `report-to-sentry` is not one of stop-all, stop-next, continue, retry")));
    ERRORS.put("wrong-edge-merge-mode", List.of(
        at(15, 26, "edge-merge-mode: `boo-boo` is not one of replace, append")));
    ERRORS.put("invalid-pipeline-with-override-example", List.of(
        at(48, 21, "input \"training-labels-error\" does not exist in step \"base step\""),
        at(53, 21, "parameter \"d\" does not exist in step \"base step\""),
        at(57, 15, "node \"overridden\" names step \"secon step\", which does not exist")));
    ERRORS.put("invalid-task-blueprint-reference", List.of(
        at(25, 15, "node \"task-node\" names task \"my-non-existent-task\", which does not exist")));
    ERRORS.put("invalid-upload-store-value", List.of(
        at(4, 19, "upload-store: is 65 characters long; at most 64 are allowed")));
    ERRORS.put("pipeline-with-preset-override-without-environment", List.of(
        at(16, 11, "must also set `environment`")));
    ERRORS.put("step-preset-without-environment", List.of(
        at(5, 5, "step \"preset without environment\" › runtime-config-preset: `runtime-config-preset` is given without `environment`")));
    ERRORS.put("step-invalid-resources", List.of(
        at(7, 14, "resources.cpu.min: 'Not a number' is a string, not a number")));
    ERRORS.put("step-missing-required-properties", List.of(
        at(2, 5, "`command` is required"),
        at(2, 5, "`name` is required"),
        at(2, 12, "image: `yes` is a boolean, not a string"),
        at(6, 14, "command: `8` is an integer, neither a string nor a list of strings")));
    ERRORS.put("step-stop-condition", List.of(
        at(5, 21, "step \"no-stop\" › stop-condition: `stop-condition` is not a valid expression")));
    ERRORS.put("task-stop-condition", List.of(
        at(10, 21, "task \"no-stop\" › stop-condition: `stop-condition` is not a valid expression: unterminated string")));
    ERRORS.put("step-with-error-tasks", List.of(
        at(17, 5, "task #2: `name` is required"),
        at(22, 15, "parameters[0].rules: is null, not a mapping"),
        at(29, 9, "task \"task 2 linear\" › parameters[0]: `style` is required"),
        at(29, 14, "parameters[0].name: is null, not a string"),
        at(44, 5, "task \"task 4 logspace\": `step` is required"),
        at(61, 9, "task \"task 5 random\" › parameters[0]: `name` is required"),
        at(61, 9, "task \"task 5 random\" › parameters[0]: `style` is required")));
  }

  /**
   * warning_examples/ files that Kiln rejects on purpose (ValohaiYaml.STRICTER_THAN_REFERENCE_LINT):
   * EXPECTED.md lists them as warnings of the reference parser; here they are located errors.
   */
  static final Map<String, List<Expect>> STRICTER_ERRORS = new LinkedHashMap<>();

  static {
    STRICTER_ERRORS.put("invalid-numeric-parameter-default", List.of(at(8, 11,
        "parameters[0].default: default zoom is not an integer; parameter \"value\" has type"
            + " integer, so its `default` must be an integer")));
  }

  static final Map<String, List<Expect>> WARNINGS = new LinkedHashMap<>();

  static {
    WARNINGS.put("duplicate_step_names", List.of(at(6, 11, "duplicate step name \"my step\"")));
    WARNINGS.put("ineffective-optional-on-flag", List.of(
        at(9, 9, "`optional` has no effect on a flag parameter")));
    WARNINGS.put("invalid-numeric-range-parameter-default", List.of(
        at(8, 11, "default 1337 is greater than the maximum allowed (100)")));
    WARNINGS.put("invalid-string-parameter-default", List.of(
        at(7, 18, "default value 2020-09-02T00:00:00.000000Z is not a string (it is a timestamp")));
    WARNINGS.put("nonsensical-task-bits", List.of(
        at(20, 5, "`optimization-target-metric` only applies to a bayesian_tpe task"),
        at(21, 5, "`optimization-target-value` only applies to a bayesian_tpe task"),
        at(23, 5, "parameter sets only apply to a manual_search task")));
    WARNINGS.put("targetless-pipeline-params", List.of(
        at(14, 9, "pipeline parameter \"id\" has no targets")));
  }

  static Stream<Path> cleanFiles() {
    List<Path> files = new ArrayList<>(Corpus.files("spec-examples/examples"));
    files.addAll(Corpus.files("spec-examples/valid_examples"));
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("cleanFiles")
  void examplesAreCleanAndGiveAProject(Path file) {
    ReadResult r = ValohaiYaml.read(file);
    assertThat(r.diagnostics())
        .as(Corpus.name(file))
        .filteredOn(d -> d.severity() != Severity.NOTE)
        .isEmpty();
    assertThat(r.project()).as(Corpus.name(file)).isPresent();
  }

  static Stream<Path> errorFiles() {
    return Corpus.files("spec-examples/error_examples").stream();
  }

  @ParameterizedTest
  @MethodSource("errorFiles")
  void errorExamplesFailWithTheExpectedLocatedErrors(Path file) {
    String name = file.getFileName().toString().replace(".yaml", "");
    assertThat(ERRORS).as("EXPECTED.md lists " + name).containsKey(name);
    ReadResult r = ValohaiYaml.read(file);
    assertThat(r.project()).isEmpty();
    assertMatches(r.errors(), ERRORS.get(name), name);
    assertThat(Linter.fails(r.diagnostics(), false)).isTrue();
  }

  static Stream<Path> warningFiles() {
    return Corpus.files("spec-examples/warning_examples").stream()
        .filter(p -> !p.getFileName().toString().startsWith("override-with-extra-fields"))
        .filter(p -> !STRICTER_ERRORS.containsKey(p.getFileName().toString().replace(".yaml", "")));
  }

  @Test
  void stricterThanReferenceWarningExamplesAreLocatedErrors() {
    assertThat(STRICTER_ERRORS.keySet())
        .containsExactlyInAnyOrderElementsOf(ValohaiYaml.STRICTER_THAN_REFERENCE_LINT.keySet());
    for (Map.Entry<String, List<Expect>> e : STRICTER_ERRORS.entrySet()) {
      Path file = Corpus.dir().resolve("spec-examples/warning_examples/" + e.getKey() + ".yaml");
      assertThat(file).exists();
      ReadResult r = ValohaiYaml.read(file);
      assertThat(r.project()).as(e.getKey()).isEmpty();
      assertMatches(r.errors(), e.getValue(), e.getKey());
      assertThat(Linter.fails(r.diagnostics(), false)).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("warningFiles")
  void warningExamplesAreValidButWarn(Path file) {
    String name = file.getFileName().toString().replace(".yaml", "");
    assertThat(WARNINGS).as("EXPECTED.md lists " + name).containsKey(name);
    ReadResult r = ValohaiYaml.read(file);
    assertThat(r.errors()).as(name).isEmpty();
    assertThat(r.project()).as(name).isPresent();
    assertMatches(r.warnings(), WARNINGS.get(name), name);
    assertThat(Linter.fails(r.diagnostics(), false)).isFalse();
    assertThat(Linter.fails(r.diagnostics(), true)).isTrue();
  }

  @Test
  void overrideWithExtraFieldsIsAnErrorAsInTheReferenceParser() {
    Path file =
        Corpus.dir().resolve("spec-examples/warning_examples/override-with-extra-fields-warning.yaml");
    ReadResult r = ValohaiYaml.read(file);
    assertMatches(
        r.errors(),
        List.of(at(18, 11, "`training-images` is not a field an override can set")),
        "override-with-extra-fields-warning");
    assertThat(r.errors().get(0).message()).contains("should it be nested under `inputs`");
  }

  @Test
  void allNineteenRealWorldFilesParseAndValidate() {
    List<Path> files = Corpus.files("real-world");
    assertThat(files).hasSize(19);
    int withoutErrors = 0;
    for (Path f : files) {
      ReadResult r = ValohaiYaml.read(f);
      assertThat(r.diagnostics())
          .as(Corpus.name(f))
          .noneMatch(d -> d.message().startsWith("YAML"));
      if (r.errors().isEmpty()) {
        withoutErrors++;
        assertThat(r.project()).as(Corpus.name(f)).isPresent();
      }
    }
    // The reference parser rejects MONAI's plural `outputs` edges; Kiln accepts them with a warning,
    // so all 19 validate here: the 18 of EXPECTED.md and MONAI.
    assertThat(withoutErrors).isEqualTo(19);
  }

  @Test
  void pluralOutputsEdgeTypeIsAcceptedWithAWarning() {
    Path file = Corpus.dir().resolve("real-world/valohai__NVIDIA-MONAI-Valohai__valohai.yaml");
    ReadResult r = ValohaiYaml.read(file);
    assertThat(r.errors()).isEmpty();
    List<Diagnostic> outputs =
        r.warnings().stream().filter(d -> d.message().contains("`outputs` is read as `output`")).toList();
    assertThat(outputs).extracting(Diagnostic::line).containsExactly(133, 134, 135, 136);
    assertThat(outputs).extracting(Diagnostic::col).containsOnly(10);
    assertThat(r.project().orElseThrow().pipelines().get(0).edges())
        .extracting(e -> e.source().toString())
        .containsExactly("preprocess.output.*.zip", "preprocess.output.*.zip",
            "train.output.*.pth", "train.output.*.pth");
  }

  @Test
  void sixRealWorldFilesWarnBesideMonai() {
    long warned =
        Corpus.files("real-world").stream()
            .filter(f -> !f.toString().contains("MONAI"))
            .filter(f -> !ValohaiYaml.read(f).warnings().isEmpty())
            .count();
    assertThat(warned).isEqualTo(6);
  }

  @Test
  void exactTextOfRepresentativeMessages() {
    Path dir = Corpus.dir();
    Path edges = dir.resolve("spec-examples/error_examples/invalid-edge-parts.yaml");
    assertThat(ValohaiYaml.read(edges).errors().get(0).toString())
        .isEqualTo(edges + ":19:42: error: pipeline \"Mipeline\" › edges[0].target: Target specifier"
            + " 'batch2.input' must have 3 parts (it has 2): node.type.name, such as"
            + " `train.input.model`");
    Path onError = dir.resolve("spec-examples/error_examples/invalid-on-error-value.yaml");
    assertThat(ValohaiYaml.read(onError).errors().get(0).toString())
        .isEqualTo(onError + ":24:19: error: pipeline \"dynamic-task\" › nodes[1].on-error:"
            + " `report-to-sentry` is not one of stop-all, stop-next, continue, retry");
    Path syntax = dir.resolve("spec-examples/error_examples/invalid-YAML-indentation.yaml");
    assertThat(ValohaiYaml.read(syntax).errors().get(0).toString())
        .isEqualTo(syntax + ":3:10: error: YAML syntax error: mapping values are not allowed"
            + " here; check the indentation");
  }

  private static void assertMatches(List<Diagnostic> actual, List<Expect> expected, String name) {
    List<String> shown = actual.stream().map(d -> d.line() + ":" + d.col() + " " + d.message()).toList();
    assertThat(actual).as(name + ": " + shown).hasSize(expected.size());
    for (Expect e : expected) {
      assertThat(actual)
          .as(name + ": expected " + e + " among " + shown)
          .anyMatch(d -> d.line() == e.line() && d.col() == e.col() && d.message().contains(e.text()));
    }
  }
}
