package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln lint} as a user meets it: located diagnostics, exit codes, no stack traces. */
class LintCliTest {
  private static final Pattern LOCATED =
      Pattern.compile("^[^:]+\\.yaml:\\d+:\\d+: (error|warning|note): .+$");

  @TempDir Path tmp;

  private static void assertNoStackTrace(Cli r) {
    assertThat(r.all()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
  }

  @Test
  void realWorldFilesLintWithLocatedDiagnostics() throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Paths.corpus().resolve("real-world"))) {
      s.sorted().forEach(p -> files.add(p.toString()));
    }
    assertThat(files).hasSize(19);
    Cli r = Cli.run(concat("lint", files));
    assertNoStackTrace(r);
    assertThat(r.exitCode()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(lines.size() - 1)).startsWith("19 files: 0 errors, ");
    List<String> diagnostics = lines.subList(0, lines.size() - 1);
    assertThat(diagnostics).isNotEmpty().allMatch(l -> LOCATED.matcher(l).matches(), "located");
    assertThat(diagnostics)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("valohai__NVIDIA-MONAI-Valohai__valohai.yaml:133:")
                    .contains("warning"));
  }

  @Test
  void strictTurnsWarningsIntoFailure() {
    Path file =
        Paths.corpus().resolve("spec-examples/warning_examples/duplicate_step_names.yaml");
    assertThat(Cli.run("lint", file.toString()).exitCode()).isZero();
    Cli strict = Cli.run("lint", "--strict", file.toString());
    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.out())
        .contains("duplicate_step_names.yaml:6:11: warning: step \"my step\" › name: duplicate step name");
  }

  @Test
  void errorExamplesFailWithTheirLocation() {
    Cli r =
        Cli.run(
            "lint",
            Paths.corpus().resolve("spec-examples/error_examples/invalid-YAML-indentation.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("invalid-YAML-indentation.yaml:3:10: error:");
    assertNoStackTrace(r);
  }

  @Test
  void theShippedReferencePipelineIsClean() {
    Path file =
        Paths.repo().resolve("docs/examples/train-superbai/valohai.yaml");
    Cli r = Cli.run("lint", "--strict", file.toString());
    assertThat(r.exitCode()).as(r.out()).isZero();
  }

  @Test
  void badInputIsAClearErrorNeverACrash() throws IOException {
    Path empty = Files.writeString(tmp.resolve("empty.yaml"), "");
    Path binary = Files.write(tmp.resolve("binary.yaml"), new byte[] {0, 1, 2, (byte) 0xff, 0});
    Path missing = tmp.resolve("missing.yaml");
    StringBuilder big = new StringBuilder();
    int i = 0;
    while (big.length() < 5_000_000) {
      big.append("- step:\n    name: s").append(i++).append("\n    image: busybox\n")
          .append("    command: echo ").append("x".repeat(40)).append('\n');
    }
    Path large = Files.writeString(tmp.resolve("large.yaml"), big);
    Path aliases =
        Files.writeString(
            tmp.resolve("aliases.yaml"),
            "- step: &base\n    name: a\n    image: busybox\n    command: echo a\n"
                + "- step:\n    <<: *base\n    name: b\n");
    Path bomb =
        Files.writeString(
            tmp.resolve("bomb.yaml"),
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                + "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n");

    Cli r = Cli.run("lint", empty.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("empty.yaml").contains("error");

    r = Cli.run("lint", binary.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("binary.yaml").contains("error");

    r = Cli.run("lint", missing.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("missing.yaml").contains("error");

    r = Cli.run("lint", large.toString());
    assertThat(r.exitCode()).as(r.out()).isZero();

    r = Cli.run("lint", aliases.toString());
    assertThat(r.exitCode()).as(r.out()).isZero();

    r = Cli.run("lint", bomb.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("bomb.yaml").contains("alias");

    for (Path p : List.of(empty, binary, missing, large, aliases, bomb)) {
      assertNoStackTrace(Cli.run("lint", p.toString()));
    }
  }

  private static String[] concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all.toArray(String[]::new);
  }
}
