package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kiln lint}: exit codes, strict mode, and the printed format. */
class LinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Path spec(String path) {
    return Corpus.dir().resolve("spec-examples").resolve(path);
  }

  @Test
  void validFileExitsZeroAndPrintsOnlyTheSummary() {
    int code = Linter.run(List.of(spec("examples/example1.yaml")), false, out);
    assertThat(code).isEqualTo(Linter.OK);
    assertThat(printed()).isEqualTo("1 file: 0 errors, 0 warnings" + System.lineSeparator());
  }

  @Test
  void errorsExitOneAndArePrintedAsFileLineColumn() {
    Path f = spec("error_examples/wrong-edge-merge-mode.yaml");
    int code = Linter.run(List.of(f), false, out);
    assertThat(code).isEqualTo(Linter.FAILED);
    assertThat(printed().lines().toList())
        .containsExactly(
            f + ":15:26: error: pipeline \"bad-pp\" › nodes[0].edge-merge-mode: `boo-boo` is not"
                + " one of replace, append",
            "1 file: 1 error, 0 warnings");
  }

  @Test
  void warningsPassUnlessStrict() {
    Path f = spec("warning_examples/ineffective-optional-on-flag.yaml");
    assertThat(Linter.run(List.of(f), false, out)).isEqualTo(Linter.OK);
    assertThat(Linter.run(List.of(f), true, out)).isEqualTo(Linter.FAILED);
    assertThat(printed())
        .contains(f + ":9:9: warning: step \"test\" › parameters[0].optional: `optional` has no"
            + " effect on a flag parameter")
        .contains("1 file: 0 errors, 1 warning (strict)");
  }

  @Test
  void oneFileResult() {
    Linter.Result r = Linter.lint(spec("warning_examples/targetless-pipeline-params.yaml"), true);
    assertThat(r.failed()).isTrue();
    assertThat(r.exitCode()).isEqualTo(Linter.FAILED);
    assertThat(r.diagnostics()).hasSize(1);
    assertThat(Linter.lint(spec("warning_examples/targetless-pipeline-params.yaml"), false).exitCode())
        .isEqualTo(Linter.OK);
  }

  @Test
  void notesNeverFailEvenStrict() {
    Path f = spec("examples/task-example.yaml");
    assertThat(Linter.run(List.of(f), true, out)).isEqualTo(Linter.OK);
    assertThat(printed()).contains(": note: Kiln: task \"task 1 single\": nothing is searched");
  }

  @Test
  void severalFilesOneBadFailsAndMissingFileIsReported() {
    Path missing = Path.of("no/such/valohai.yaml");
    int code = Linter.run(List.of(spec("examples/example2.yaml"), missing), false, out);
    assertThat(code).isEqualTo(Linter.FAILED);
    assertThat(printed()).contains(missing + ": error: file not found").contains("2 files: 1 error");
  }

  @Test
  void noJavaNamesInAnyCorpusMessage() {
    for (Path f : Corpus.all()) {
      for (Diagnostic d : Linter.lint(f)) {
        assertThat(d.message())
            .as(d.toString())
            .doesNotContain("java.")
            .doesNotContain("Exception")
            .doesNotContain("Dto")
            .doesNotContain("ArrayList");
      }
    }
  }
}
