package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.compat.valohai.ReadResult;
import dev.kiln.compat.valohai.ValohaiYaml;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.steps.classification.ClassificationSteps;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The image-classification pipeline in the DSL equals the one in its valohai.yaml. */
class ImageClassificationEquivalenceTest {

  private static Project fromYaml() throws Exception {
    String yaml;
    try (InputStream in =
        ClassificationSteps.class.getResourceAsStream(ClassificationSteps.YAML_RESOURCE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ReadResult r = ValohaiYaml.parse(Path.of("image-classification/valohai.yaml"), yaml);
    assertThat(r.diagnostics()).isEmpty();
    return r.project().orElseThrow();
  }

  @Test
  void nodeForNodeAndEdgeForEdge() throws Exception {
    Pipeline dsl = ClassificationSteps.pipeline();
    Pipeline yaml = fromYaml().pipeline(ClassificationSteps.PIPELINE).orElseThrow();
    assertThat(yaml.nodes()).isEqualTo(dsl.nodes());
    assertThat(yaml.edges()).isEqualTo(dsl.edges());
    assertThat(yaml).isEqualTo(dsl);
    assertThat(dsl.nodes()).extracting(dev.kiln.pipelines.Node::name).containsExactly("train", "predict");
  }

  @Test
  void theStepsDeclareTheSameParametersAndInputs() throws Exception {
    Project yaml = fromYaml();
    for (Step dslStep : ClassificationSteps.steps()) {
      Step yamlStep = yaml.step(dslStep.name()).orElseThrow();
      assertThat(yamlStep.parameters()).as(dslStep.name()).isEqualTo(dslStep.parameters());
      assertThat(yamlStep.inputs().stream().map(InputSpec::name).toList())
          .isEqualTo(dslStep.inputs().stream().map(InputSpec::name).toList());
      assertThat(yamlStep.inputs().stream().map(InputSpec::optional).toList())
          .isEqualTo(dslStep.inputs().stream().map(InputSpec::optional).toList());
      assertThat(yamlStep.inputs().stream().map(InputSpec::keepDirectories).toList())
          .isEqualTo(dslStep.inputs().stream().map(InputSpec::keepDirectories).toList());
    }
    assertThat(yaml.step(ClassificationSteps.TRAIN_NAME).orElseThrow().inputs())
        .extracting(InputSpec::name)
        .containsExactly("train", "validation", "test", "model");
  }
}
