package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.Project;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** read → domain → write → read gives an equal domain model, for every corpus file that reads. */
class RoundTripTest {

  static Stream<Path> readableFiles() {
    return Corpus.all().stream().filter(f -> ValohaiYaml.read(f).project().isPresent());
  }

  @Test
  void mostOfTheCorpusTakesPart() {
    // 19 real-world + 36 examples/valid + 6 warning examples + 3 papi files (the 7th warning
    // example, invalid-numeric-parameter-default, is an error here: STRICTER_THAN_REFERENCE_LINT)
    assertThat(readableFiles().count()).isEqualTo(64);
  }

  @ParameterizedTest
  @MethodSource("readableFiles")
  void writingAndReadingBackGivesAnEqualProject(Path file) {
    ReadResult first = ValohaiYaml.read(file);
    Project project = first.project().orElseThrow();
    String written = ValohaiYaml.write(project, first.deployments());
    ReadResult second = ValohaiYaml.parse(Path.of("written.yaml"), written);
    assertThat(second.errors()).as(written).isEmpty();
    assertThat(second.project()).as(written).contains(project);
    assertThat(second.deployments()).hasSameSizeAs(first.deployments());
    // Writing is stable: the second write is the same text.
    assertThat(ValohaiYaml.write(second.project().orElseThrow(), second.deployments()))
        .isEqualTo(written);
  }

  @Test
  void writtenFileKeepsEdgeKindsTheDomainLacksInPlace() {
    Path file = Corpus.dir().resolve("spec-examples/examples/pipeline-edge-types-example.yaml");
    ReadResult r = ValohaiYaml.read(file);
    String written = ValohaiYaml.write(r.project().orElseThrow());
    assertThat(written)
        .contains(
            "- [preprocess.environment-variable.DATA_VERSION, train.environment-variable.DATA_VERSION]")
        .contains("- [\"evaluate.dependency.*\", \"report.dependency.*\"]");
    assertThat(written.indexOf("environment-variable.DATA_VERSION"))
        .isLessThan(written.indexOf("preprocess.output.processed-data*"));
  }

  @Test
  void durationsAreWrittenInSeconds() {
    Path file = Corpus.dir().resolve("spec-examples/examples/timeouts-example.yaml");
    ReadResult r = ValohaiYaml.read(file);
    var step = r.project().orElseThrow().step("human-readable-time-limit").orElseThrow();
    assertThat(step.timeLimit()).contains(java.time.Duration.ofSeconds(5405));
    assertThat(step.noOutputTimeout()).contains(java.time.Duration.ofSeconds(172800));
    assertThat(ValohaiYaml.write(r.project().get()))
        .contains("time-limit: 5405")
        .contains("no-output-timeout: 172800")
        .contains("time-limit: 300");
  }
}
