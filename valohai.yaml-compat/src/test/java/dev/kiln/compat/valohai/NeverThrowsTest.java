package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Damaged versions of every corpus file (a line removed, a line shifted left, the file cut short)
 * never make reading throw, and every problem found has a location or is a whole-file problem.
 */
class NeverThrowsTest {

  @Test
  void damagedCorpusFilesGiveDiagnosticsNotExceptions() throws IOException {
    int variants = 0;
    for (Path f : Corpus.all()) {
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        List<String> removed = new ArrayList<>(lines);
        removed.remove(i);
        check(f, "without line " + (i + 1), String.join("\n", removed));
        List<String> shifted = new ArrayList<>(lines);
        shifted.set(i, shifted.get(i).replaceFirst("^  ", ""));
        check(f, "line " + (i + 1) + " shifted", String.join("\n", shifted));
        check(f, "cut after line " + (i + 1), String.join("\n", lines.subList(0, i + 1)));
        variants += 3;
      }
    }
    assertThat(variants).isGreaterThan(6000);
  }

  private static void check(Path f, String what, String text) {
    try {
      ReadResult r = ValohaiYaml.parse(Path.of("damaged.yaml"), text);
      for (Diagnostic d : r.diagnostics()) {
        if (d.line() == 0) {
          assertThat(d.message())
              .as(Corpus.name(f) + " " + what + ": " + d)
              .doesNotContain("Exception")
              .doesNotStartWith("cannot build the pipeline model");
        }
      }
      if (r.project().isPresent()) {
        ValohaiYaml.write(r.project().get(), r.deployments());
      }
    } catch (RuntimeException e) {
      fail(Corpus.name(f) + " " + what + " threw " + e, e);
    }
  }
}
