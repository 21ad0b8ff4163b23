package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear, located error and never an exception. */
class BadInputTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private static Diagnostic onlyError(ReadResult r) {
    assertThat(r.project()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    return r.errors().get(0);
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.yaml");
    Diagnostic d = onlyError(ValohaiYaml.read(f));
    assertThat(d.toString()).isEqualTo(f + ": error: file not found");
  }

  @Test
  void directory() {
    assertThat(onlyError(ValohaiYaml.read(dir)).message()).contains("is a directory");
  }

  @Test
  void emptyFileAndCommentOnlyFile() throws IOException {
    assertThat(onlyError(ValohaiYaml.read(write("empty.yaml", ""))).message())
        .startsWith("file is empty");
    assertThat(onlyError(ValohaiYaml.read(write("comments.yaml", "# nothing\n\n   \n"))).message())
        .startsWith("file is empty");
  }

  @Test
  void binaryFile() throws IOException {
    Path f = dir.resolve("image.png");
    Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
    Diagnostic d = onlyError(ValohaiYaml.read(f));
    assertThat(d.message()).isEqualTo("binary file (NUL byte at offset 8), not a YAML text file");
    assertThat(d.line()).isEqualTo(3);
  }

  @Test
  void invalidUtf8IsLocated() throws IOException {
    Path f = dir.resolve("latin1.yaml");
    Files.write(f, "- step:\n    name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    Diagnostic d = onlyError(ValohaiYaml.read(f));
    assertThat(d.message()).startsWith("not valid UTF-8");
    assertThat(d.line()).isEqualTo(2);
    assertThat(d.col()).isEqualTo(14);
  }

  @Test
  void fiveMegabyteFileIsRead() throws IOException {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    while (sb.length() < 5 * 1024 * 1024) {
      sb.append("- step:\n    name: step-").append(n).append("\n    image: busybox\n")
          .append("    command: echo {parameters}\n    parameters:\n")
          .append("      - name: p\n        type: integer\n        default: ").append(n).append('\n');
      n++;
    }
    Path f = write("big.yaml", sb.toString());
    assertThat(Files.size(f)).isGreaterThan(5L * 1024 * 1024);
    long start = System.nanoTime();
    ReadResult r = ValohaiYaml.read(f);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.errors()).isEmpty();
    assertThat(r.project().orElseThrow().steps()).hasSize(n);
    assertThat(took).isLessThan(Duration.ofSeconds(60));
  }

  @Test
  void fileOverTheLimitIsRefusedWithTheLimit() throws IOException {
    Path f = dir.resolve("huge.yaml");
    byte[] chunk = "# padding padding padding padding padding padding padding padding\n"
        .getBytes(StandardCharsets.UTF_8);
    try (var out = Files.newOutputStream(f)) {
      for (long written = 0; written <= 17L * 1024 * 1024; written += chunk.length) {
        out.write(chunk);
      }
    }
    assertThat(onlyError(ValohaiYaml.read(f)).message())
        .matches("file is 17\\.0 MB, larger than the 16 MB limit for a valohai.yaml");
  }

  @Test
  void anchorsAliasesAndMergeKeysAreSupported() throws IOException {
    Path f = write("anchors.yaml", """
        - step:
            name: train
            image: &img python:3.12
            command: python train.py
            parameters:
              - &lr
                name: lr
                type: float
                default: 0.1
        - step:
            name: tune
            image: *img
            command: python tune.py
            parameters:
              - <<: *lr
                default: 0.5
        """);
    ReadResult r = ValohaiYaml.read(f);
    assertThat(r.errors()).isEmpty();
    var tune = r.project().orElseThrow().step("tune").orElseThrow();
    assertThat(tune.image()).contains("python:3.12");
    assertThat(tune.parameters().get(0).name()).isEqualTo("lr");
    assertThat(tune.parameters().get(0).defaultValue().orElseThrow().render()).isEqualTo("0.5");
  }

  @Test
  void billionLaughsIsRefused() throws IOException {
    StringBuilder sb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      sb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        sb.append(i == 0 ? "" : ", ").append('*').append(p);
      }
      sb.append("]\n");
    }
    Diagnostic d = onlyError(ValohaiYaml.read(write("lol.yaml", sb.toString())));
    assertThat(d.message()).startsWith("too many aliases");
    assertThat(d.line()).isBetween(2, 10);
  }

  @Test
  void duplicateKeysAreErrorsAtTheSecondKey() throws IOException {
    Path f = write("dup.yaml", """
        - step:
            name: a
            image: busybox
            command: date
            image: alpine
        """);
    ReadResult r = ValohaiYaml.read(f);
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0).toString())
        .isEqualTo(f + ":5:5: error: duplicate key `image` (first given at line 3)");
  }

  @Test
  void topLevelMappingIsExplained() throws IOException {
    Diagnostic d = onlyError(ValohaiYaml.read(write("map.yaml", "step:\n  name: x\n")));
    assertThat(d.message()).contains("must be a list of items");
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnce() throws IOException {
    Path f = write("many.yaml", """
        - step:
            name: a
            image: busybox
            command: date
            parameters:
              - name: p
                type: integr
        - pipeline:
            name: p
            nodes:
              - name: n
                type: execution
                step: b
                on-error: explode
            edges:
              - [n.output.x, m.input.y]
        """);
    ReadResult r = ValohaiYaml.read(f);
    assertThat(r.errors()).extracting(Diagnostic::line).containsExactly(7, 13, 14, 16);
    assertThat(r.errors().get(0).message()).endsWith("did you mean \"integer\"?");
    assertThat(r.errors().get(3).message())
        .isEqualTo("pipeline \"p\" › edges[0].target: unknown node \"m\" (known: n); did you mean \"n\"?");
  }
}
