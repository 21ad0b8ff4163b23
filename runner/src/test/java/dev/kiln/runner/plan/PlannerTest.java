package dev.kiln.runner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.MultipleMode;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.validation.PipelineValidationException;
import dev.kiln.pipelines.validation.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerTest {
  static final Step STEP =
      Step.command("work", "echo {parameters}")
          .addParameter(
              ParameterSpec.builder("epochs", ParameterType.INTEGER)
                  .optDefault(10)
                  .optMin(1.0)
                  .build())
          .addParameter(
              ParameterSpec.builder("ids", ParameterType.INTEGER)
                  .optMultiple(MultipleMode.REPEAT)
                  .build())
          .addInput(InputSpec.of("data"))
          .build();

  static Edge edge(String from, String to) {
    String[] a = from.split("\\.", 3);
    String[] b = to.split("\\.", 3);
    return Edge.of(
        new EdgeEnd(a[0], PortKind.fromYamlName(a[1]).orElseThrow(), a[2]),
        new EdgeEnd(b[0], PortKind.fromYamlName(b[1]).orElseThrow(), b[2]));
  }

  static final Pipeline FAN =
      new Pipeline(
          "fan",
          List.of(
              Node.Execution.of("join", "work"),
              Node.Execution.of("a", "work"),
              Node.Execution.of("b", "work")),
          List.of(edge("a.output.x", "join.input.data"), edge("b.output.x", "join.input.data")),
          List.of(
              new PipelineParameter(
                  "epochs",
                  List.of(
                      new EdgeEnd("a", PortKind.PARAMETER, "epochs"),
                      new EdgeEnd("b", PortKind.PARAMETER, "epochs")),
                  Optional.of(ParamValue.of(3)),
                  Optional.empty(),
                  Map.of())),
          false,
          Map.of());

  static final Project PROJECT = Project.of(List.of(STEP), List.of(FAN));

  @Test
  void ordersNodesAndResolvesParameters() {
    Plan plan =
        Planner.plan(
            PROJECT,
            FAN,
            Map.of("b.epochs", List.of("7"), "join.ids", List.of("1", "2")),
            Map.of("a.data", List.of("in.csv"), "b.data", List.of("in.csv")));
    assertThat(plan.nodes()).extracting(PlannedNode::name).containsExactly("a", "b", "join");
    assertThat(plan.node("a").orElseThrow().parameters()).containsEntry("epochs", ParamValue.of(3));
    assertThat(plan.node("b").orElseThrow().parameters()).containsEntry("epochs", ParamValue.of(7));
    assertThat(plan.node("join").orElseThrow().parameters())
        .containsEntry("epochs", ParamValue.of(10))
        .containsEntry("ids", ParamValue.list(List.of(ParamValue.of(1), ParamValue.of(2))));
    assertThat(plan.node("join").orElseThrow().upstream()).containsExactlyInAnyOrder("a", "b");
    assertThat(plan.node("a").orElseThrow().suppliedInputs()).containsEntry("data", List.of("in.csv"));
  }

  @Test
  void aPipelineParameterGivenOnTheCommandLineSetsEveryTarget() {
    Plan plan =
        Planner.plan(
            PROJECT,
            FAN,
            Map.of("epochs", List.of("5")),
            Map.of("a.data", List.of("x"), "b.data", List.of("y")));
    assertThat(plan.node("a").orElseThrow().parameters()).containsEntry("epochs", ParamValue.of(5));
    assertThat(plan.node("b").orElseThrow().parameters()).containsEntry("epochs", ParamValue.of(5));
  }

  @Test
  void everyCommandLineMistakeIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                Planner.plan(
                    PROJECT,
                    FAN,
                    Map.of(
                        "a.epochs", List.of("many"),
                        "b.epochs", List.of("0"),
                        "jion.epochs", List.of("1"),
                        "a.epoch", List.of("1")),
                    Map.of("a.dta", List.of("x"))))
        .isInstanceOf(PipelineValidationException.class)
        .satisfies(
            e ->
                assertThat(((PipelineValidationException) e).errors())
                    .extracting(Problem::toString)
                    .containsExactlyInAnyOrder(
                        "error: --param a.epochs=many: parameter \"epochs\" is an integer, but was"
                            + " given \"many\"",
                        "error: --param b.epochs=0: parameter \"epochs\": 0 is less than the"
                            + " minimum (1)",
                        "error: --param jion.epochs=1: no node \"jion\" (known: join, a, b); did"
                            + " you mean \"join\"?",
                        "error: --param a.epoch=1: node \"a\" has no parameter \"epoch\" (known:"
                            + " epochs, ids); did you mean \"epochs\"?",
                        "error: --input a.dta=x: node \"a\" has no input \"dta\" (known: data);"
                            + " did you mean \"data\"?",
                        "error: pipeline \"fan\" › nodes[1]: input \"data\" of node \"a\" is"
                            + " required, but it has no default, no edge feeds it and the run does"
                            + " not give it; give it with --input a.data=URI",
                        "error: pipeline \"fan\" › nodes[2]: input \"data\" of node \"b\" is"
                            + " required, but it has no default, no edge feeds it and the run does"
                            + " not give it; give it with --input b.data=URI"));
  }

  @Test
  void aTaskNodeIsRefusedInsteadOfRunningOnceWithItsDefaults() {
    Pipeline tuned =
        new Pipeline(
            "tuned",
            List.of(
                new Node.Task(
                    "search", Optional.of("work"), Optional.empty(),
                    dev.kiln.pipelines.StepOverride.NONE, dev.kiln.pipelines.OnError.STOP_ALL,
                    dev.kiln.pipelines.EdgeMergeMode.REPLACE, List.of(), Map.of())),
            List.of(), List.of(), false, Map.of());
    Project project = Project.of(List.of(STEP), List.of(tuned));
    assertThatThrownBy(
            () -> Planner.plan(project, tuned, Map.of(), Map.of("search.data", List.of("x"))))
        .isInstanceOf(PipelineValidationException.class)
        .satisfies(
            e ->
                assertThat(((PipelineValidationException) e).errors())
                    .extracting(Problem::toString)
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .contains("node \"search\" is a task")
                                .contains("names no task blueprint Kiln can run")));
  }
}
