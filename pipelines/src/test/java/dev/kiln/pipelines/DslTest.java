package dev.kiln.pipelines;

import static dev.kiln.pipelines.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.dsl.PipelineBuilder;
import dev.kiln.pipelines.validation.PipelineValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DslTest {

  @Test
  void buildsNodesAndEdgesInOrder() {
    var p = PipelineBuilder.named("demo");
    var convert = p.execution("convert", CONVERT);
    var train = p.execution("train", TRAIN).set("epochs", 5);
    convert.output(CLASSES_OUT).to(train.input(CLASSES_IN));
    convert.output(TRAIN_OUT).to(train.input(TRAIN_IN));
    convert.output(TRAIN_OUT).to(train.input(ANY_IN)); // untyped inputs take anything

    Project project = p.project();
    Pipeline pipeline = project.pipelines().get(0);

    assertThat(pipeline.nodes()).extracting(Node::name).containsExactly("convert", "train");
    assertThat(pipeline.edges())
        .extracting(Edge::toString)
        .containsExactly(
            "convert.output.classes.txt -> train.input.classes",
            "convert.output.train/* -> train.input.train",
            "convert.output.train/* -> train.input.any");
    assertThat(project.steps()).containsExactly(CONVERT, TRAIN);
    Step effective = project.effectiveStep(pipeline.node("train").orElseThrow()).orElseThrow();
    assertThat(effective.parameter("epochs").orElseThrow().defaultValue())
        .contains(ParamValue.of(5));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    var p = PipelineBuilder.named("bad");
    var a = p.execution("train", TRAIN).set("epochs", 0).set("optimizer", "adamw");
    var b = p.execution("train", TRAIN);
    a.output(MODEL_OUT).to(b.input(MODEL_IN));

    assertThatThrownBy(p::build)
        .isInstanceOf(PipelineValidationException.class)
        .satisfies(
            e -> {
              var problems = ((PipelineValidationException) e).problems();
              assertThat(problems)
                  .extracting(Object::toString)
                  .containsExactly(
                      "error: pipeline \"bad\" › nodes[1].name: duplicate node name \"train\""
                          + " (also at nodes[0])",
                      "error: pipeline \"bad\" › nodes[0].override.parameters[0].default: value"
                          + " of parameter \"epochs\": 0 is less than the minimum (1)",
                      "error: pipeline \"bad\" › nodes[0].override.parameters[1].default: value"
                          + " of parameter \"optimizer\": \"adamw\" is not one of the choices"
                          + " (\"adam\", \"sgd\")",
                      "error: pipeline \"bad\" › edges[0]: edges form a cycle: train -> train;"
                          + " a pipeline is a DAG; remove one of these edges");
            });
  }

  @Test
  void stepsWithTheSameNameMustBeTheSame() {
    Step other = TRAIN.toBuilder().optImage("python:3.12").build();
    var p = PipelineBuilder.named("two-trains");
    p.execution("a", TRAIN);
    p.execution("b", other);
    // Both definitions are kept, so the conflict is visible rather than silently resolved.
    assertThat(catchProblems(p))
        .contains(
            "error: step \"train\" (#2): two different step definitions share the name \"train\""
                + " (nodes [a, b]); give each definition its own name");
  }

  @Test
  void parameterEdgesAndPipelineParameters() {
    var p = PipelineBuilder.named("params");
    var a = p.execution("a", TRAIN);
    var b = p.execution("b", TRAIN);
    a.parameter("epochs").to(b.parameter("epochs"));
    a.metadata("best_optimizer").to(b.parameter("optimizer"));
    p.parameter("epochs", ParamValue.of(3), a.parameter("epochs"));
    Pipeline pipeline = p.build();
    assertThat(pipeline.edges())
        .extracting(Edge::toString)
        .containsExactly(
            "a.parameter.epochs -> b.parameter.epochs",
            "a.metadata.best_optimizer -> b.parameter.optimizer");
    assertThat(pipeline.parameters().get(0).targets())
        .containsExactly(new EdgeEnd("a", PortKind.PARAMETER, "epochs"));
  }

  @Test
  void unknownParameterInAnEdgeSuggestsTheRightOne() {
    var p = PipelineBuilder.named("typo");
    var a = p.execution("a", TRAIN);
    var b = p.execution("b", TRAIN);
    a.parameter("epochs").to(b.parameter("epoch"));
    assertThat(catchProblems(p))
        .containsExactly(
            "error: pipeline \"typo\" › edges[0].target: edge names parameter \"epoch\", which"
                + " does not exist (node \"b\" (step \"train\") has: epochs, optimizer); did you"
                + " mean \"epochs\"?");
  }

  private static List<String> catchProblems(dev.kiln.pipelines.dsl.PipelineBuilder p) {
    try {
      p.build();
    } catch (PipelineValidationException e) {
      return e.problems().stream().map(Object::toString).toList();
    }
    throw new AssertionError("expected validation problems");
  }
}
