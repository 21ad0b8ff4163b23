package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.compat.valohai.ReadResult;
import dev.kiln.compat.valohai.ValohaiYaml;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.steps.ConvertLabels;
import dev.kiln.steps.ShapesDemo;
import dev.kiln.steps.TrainSuperbai;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference pipeline written in the DSL equals the one read from its valohai.yaml. */
class TrainSuperbaiEquivalenceTest {

  private static Project fromYaml() throws Exception {
    String yaml;
    try (InputStream in = TrainSuperbai.class.getResourceAsStream(TrainSuperbai.YAML_RESOURCE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ReadResult r = ValohaiYaml.parse(Path.of("train-superbai/valohai.yaml"), yaml);
    assertThat(r.diagnostics()).isEmpty();
    return r.project().orElseThrow();
  }

  @Test
  void nodeForNodeAndEdgeForEdge() throws Exception {
    Pipeline dsl = TrainSuperbai.pipeline();
    Pipeline yaml = fromYaml().pipeline(TrainSuperbai.NAME).orElseThrow();
    assertThat(yaml.nodes()).isEqualTo(dsl.nodes());
    assertThat(yaml.edges()).isEqualTo(dsl.edges());
    assertThat(yaml).isEqualTo(dsl);
  }

  @Test
  void theDemoPipelineIsTheSameInBothForms() throws Exception {
    Pipeline dsl = ShapesDemo.pipeline();
    Pipeline yaml = fromYaml().pipeline(ShapesDemo.NAME).orElseThrow();
    assertThat(yaml.nodes()).isEqualTo(dsl.nodes());
    assertThat(yaml.edges()).isEqualTo(dsl.edges());
    assertThat(yaml).isEqualTo(dsl);
  }

  @Test
  void theStepsDeclareTheSameParametersAndInputs() throws Exception {
    Project yaml = fromYaml();
    int compared = 0;
    for (Step dslStep : ShapesDemo.project().steps()) {
      Step yamlStep = yaml.step(dslStep.name()).orElseThrow();
      assertThat(yamlStep.parameters()).as(dslStep.name()).isEqualTo(dslStep.parameters());
      assertThat(yamlStep.inputs().stream().map(InputSpec::name).toList())
          .isEqualTo(dslStep.inputs().stream().map(InputSpec::name).toList());
      assertThat(yamlStep.inputs().stream().map(InputSpec::optional).toList())
          .isEqualTo(dslStep.inputs().stream().map(InputSpec::optional).toList());
      assertThat(yamlStep.inputs().stream().map(InputSpec::keepDirectories).toList())
          .isEqualTo(dslStep.inputs().stream().map(InputSpec::keepDirectories).toList());
      compared += yamlStep.parameters().size();
    }
    assertThat(compared).as("parameters compared").isGreaterThan(20);
  }

  @Test
  void itHasTheNodesAndSixEdgesOfTheYolov3Tf2Pipeline() {
    ReadResult r =
        ValohaiYaml.read(Paths.corpus().resolve("real-world/valohai__yolov3-tf2__valohai.yaml"));
    Pipeline reference = r.project().orElseThrow().pipeline("train-superbai").orElseThrow();
    assertThat(TrainSuperbai.pipeline().edges()).isEqualTo(reference.edges());
    assertThat(TrainSuperbai.pipeline().nodes()).isEqualTo(reference.nodes());
  }

  @Test
  void convertSuperbaiIsAConvertLabelsPresetInBothForms() throws Exception {
    Step yamlStep = fromYaml().step(ConvertLabels.SUPERBAI_NAME).orElseThrow();
    Step dsl = ConvertLabels.SUPERBAI;
    assertThat(yamlStep.parameters()).isEqualTo(dsl.parameters());
    for (java.util.function.Function<InputSpec, Object> f :
        List.<java.util.function.Function<InputSpec, Object>>of(
            InputSpec::name, InputSpec::optional, InputSpec::keepDirectories)) {
      assertThat(yamlStep.inputs().stream().map(f).toList())
          .isEqualTo(dsl.inputs().stream().map(f).toList());
    }
    assertThat(dsl.run()).isEqualTo(ConvertLabels.STEP.run());
    assertThat(dsl.parameter("format").orElseThrow().defaultValue().orElseThrow().render())
        .isEqualTo("superbai");
    assertThat(dsl.parameter("split").orElseThrow().defaultValue().orElseThrow().render())
        .isEqualTo("tags");
    assertThat(dsl.parameters().stream().map(ParameterSpec::name).toList())
        .isEqualTo(ConvertLabels.STEP.parameters().stream().map(ParameterSpec::name).toList());
  }
}
