package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.validation.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the domain model gets from valohai.yaml, and how domain problems are located. */
class DomainMappingTest {

  private static final Path SAMPLE =
      Path.of("..", "docs", "examples", "train-superbai", "valohai.yaml");

  @Test
  void theSamplePipelineIsCleanAndSplitsEdgeEndsOnTheFirstTwoDots() throws IOException {
    ReadResult r = ValohaiYaml.read(SAMPLE);
    assertThat(r.diagnostics()).isEmpty();
    var pipeline = r.project().orElseThrow().pipeline("train-superbai").orElseThrow();
    assertThat(pipeline.edges().get(0).source())
        .isEqualTo(new EdgeEnd("convert-superbai", PortKind.OUTPUT, "classes.txt"));
    assertThat(pipeline.edges()).hasSize(6);
    assertThat(Files.exists(SAMPLE)).isTrue();
  }

  @Test
  void misspeltNodeGetsTheConventionsMessageExactly() throws IOException {
    // only the first pipeline's edge (train-superbai; shapes-demo has the same edge further on)
    String sample = Files.readString(SAMPLE);
    String edge = "- [convert-superbai.output.test/*, train.input.test]";
    int at = sample.indexOf(edge);
    String yaml = sample.substring(0, at)
        + "- [convert-superbai.output.test/*, trian.input.test]"
        + sample.substring(at + edge.length());
    ReadResult r = ValohaiYaml.parse(Path.of("valohai.yaml"), yaml);
    assertThat(r.errors()).hasSize(1);
    Diagnostic d = r.errors().get(0);
    int line =
        yaml.lines().toList().indexOf("      - [convert-superbai.output.test/*, trian.input.test]")
            + 1;
    assertThat(d.toString())
        .isEqualTo("valohai.yaml:" + line + ":42: error: pipeline \"train-superbai\" › edges[2].target:"
            + " unknown node \"trian\" (known: convert-superbai, weights, train, detect); did you mean"
            + " \"train\"?");
  }

  @Test
  void overridesAreMergedIntoTheStepAsTheReferenceDoes() {
    Path f = Corpus.dir().resolve("spec-examples/examples/pipeline-with-override-example.yaml");
    Project project = ValohaiYaml.read(f).project().orElseThrow();
    Node merged = project.pipelines().get(0).node("merged").orElseThrow();
    Step effective = project.effectiveStep(merged).orElseThrow();
    assertThat(effective.image()).contains("merge node image");
    assertThat(effective.run()).isEqualTo(new StepRun.Command(List.of("merge date")));
    assertThat(effective.input("training-images").orElseThrow().defaults())
        .containsExactly("merged node image 1", "merged node image 2");
    assertThat(effective.input("training-images").orElseThrow().optional()).isTrue();
    assertThat(effective.parameter("a").orElseThrow().defaultValue().orElseThrow().render())
        .isEqualTo("merged node parameter A");
    assertThat(effective.parameter("b").orElseThrow().defaultValue().orElseThrow().render())
        .isEqualTo("default step parameter B");
    assertThat(effective.parameter("c").orElseThrow().defaultValue().orElseThrow().render())
        .isEqualTo("merged node parameter C");
  }

  @Test
  void domainErrorsAreLocatedThroughTheIndex() {
    String yaml = """
        - step:
            name: s
            image: busybox
            command: date
            inputs:
              - name: in
        - pipeline:
            name: loop
            nodes:
              - name: a
                type: execution
                step: s
              - name: b
                type: execution
                step: s
            edges:
              - [a.output.x, b.input.in]
              - [b.output.y, a.input.in]
        """;
    ReadResult r = ValohaiYaml.parse(Path.of("loop.yaml"), yaml);
    assertThat(r.project()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0).toString())
        .startsWith("loop.yaml:18:9: error: pipeline \"loop\" › edges[1]: edges form a cycle: ");
  }

  @Test
  void tasksEndpointsAndDeploymentsAreKeptWithANote() {
    Path f = Corpus.dir().resolve("spec-examples/examples/pipeline-with-automatic-deployment-creation.yaml");
    ReadResult r = ValohaiYaml.read(f);
    Project p = r.project().orElseThrow();
    assertThat(p.endpoints()).extracting(e -> e.name()).containsExactly("foretell-my-future");
    assertThat(r.deployments()).extracting(d -> d.name()).containsExactly("us-west-qa");
    assertThat(p.pipelines().get(0).node("release")).get().isInstanceOf(Node.Deployment.class);
    assertThat(r.diagnostics())
        .filteredOn(d -> d.severity() == Severity.NOTE)
        .extracting(Diagnostic::message)
        .anyMatch(m -> m.contains("deployment definitions are kept"))
        .anyMatch(m -> m.contains("deployment nodes are kept, but Kiln cannot deploy yet"));
    assertThat(ValohaiYaml.write(p, r.deployments())).contains("- deployment:\n    name: us-west-qa");
  }

  @Test
  void papiGeneratedFileHasTheSameStepsAsTheOriginalPlusThePipeline() {
    Path dir = Corpus.dir().resolve("papi-roundtrip");
    Project original =
        ValohaiYaml.read(dir.resolve("valohai-utils__test_pipeline_yaml__test1.original.valohai.yaml"))
            .project().orElseThrow();
    Project expected =
        ValohaiYaml.read(dir.resolve("valohai-utils__test_pipeline_yaml__test1.expected.valohai.yaml"))
            .project().orElseThrow();
    // Different indentation, key order and explicit `optional: false`: the same steps.
    assertThat(expected.steps()).isEqualTo(original.steps());
    var pipeline = expected.pipeline("mypipeline").orElseThrow();
    assertThat(pipeline.node("train_model_1")).get().isInstanceOf(Node.Task.class);
    assertThat(pipeline.edges()).extracting(Object::toString).containsExactly(
        "batch_feature_extraction_1.output.a* -> train_model_1.input.aaa",
        "batch_feature_extraction_1.output.a* -> train_model_1.input.bbb",
        "train_model_1.output.* -> evaluate_1.input.models");
  }
}
