package dev.kiln.compat.valohai.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.ValohaiYaml;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;

/** A huge comment line must not make linting slow, and must not change any diagnostic. */
class LongCommentTest {
  private static final Path F = Path.of("valohai.yaml");

  /** A file with mistakes whose diagnostics are located after the comment. */
  private static String file(String comment, String tail) {
    return "- step: {name: a, image: x, command: echo}\n"
        + comment
        + "\n- step:\n    name: b\n    image: y\n"
        + "    command: \"echo # not a comment " + "q".repeat(5000) + "\"  " + tail + "\n"
        + "    bogus: 1\n"
        + "- step:\n    name: b\n    image: z\n    command: [unclosed\n";
  }

  private static List<String> lint(String yaml) {
    return ValohaiYaml.parse(F, yaml).diagnostics().stream().map(Diagnostic::toString).toList();
  }

  @Test
  void fifteenMegabyteCommentGivesTheSameDiagnosticsAsNoComment() {
    String big = "x".repeat(15_000_000);
    List<String> without = lint(file("# short", "# short"));
    long t0 = System.nanoTime();
    List<String> with = lint(file("# " + big, "# " + "z".repeat(10_000)));
    System.out.printf("lint with a 15 MB comment: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(without).isNotEmpty();
    assertThat(with).isEqualTo(without);
  }

  @Test
  void theTextHandedToSnakeYamlDropsLongCommentsButKeepsEveryLineAndScalar() {
    String text = file("  # " + "x".repeat(1_000_000), "# " + "z".repeat(10_000));
    String cut = LocatedYamlReader.shortenLongComments(text, new LoaderOptions());
    assertThat(cut.length()).isLessThan(7000);
    assertThat(cut).doesNotContain("xx").doesNotContain("zz");
    assertThat(cut.lines().count()).isEqualTo(text.lines().count());
    assertThat(cut).contains("echo # not a comment " + "q".repeat(5000) + "\"  #\n");
  }

  @Test
  void aHashInsideALongQuotedOrBlockScalarIsNotCut() {
    String quoted =
        "- step:\n    name: a\n    image: x\n    command: \"echo # " + "y".repeat(10_000) + "\"\n";
    assertThat(LocatedYamlReader.shortenLongComments(quoted, new LoaderOptions())).isEqualTo(quoted);
    String block =
        "- step:\n    name: a\n    image: x\n    command: |\n      # " + "y".repeat(10_000) + "\n";
    assertThat(LocatedYamlReader.shortenLongComments(block, new LoaderOptions())).isEqualTo(block);
    assertThat(LocatedYamlReader.parse(F, block.getBytes()).diagnostics()).isEmpty();
  }
}
