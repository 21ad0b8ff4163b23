package dev.kiln.pipelines.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.Edge;
import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.Fixtures;
import dev.kiln.pipelines.InputPatch;
import dev.kiln.pipelines.InputSpec;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.PipelineParameter;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.TaskBlueprint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidatorTest {

  private static final Step ECHO =
      Step.command("echo", "echo {parameters}")
          .addInput(InputSpec.of("data"))
          .addParameter(ParameterSpec.builder("n", ParameterType.INTEGER).build())
          .build();

  private static EdgeEnd end(String spec) {
    String[] parts = spec.split("\\.", 3);
    return new EdgeEnd(parts[0], PortKind.fromYamlName(parts[1]).orElseThrow(), parts[2]);
  }

  private static Edge edge(String from, String to) {
    return Edge.of(end(from), end(to));
  }

  private static Pipeline pipeline(String name, List<Node> nodes, List<Edge> edges) {
    return new Pipeline(name, nodes, edges, List.of(), false, Map.of());
  }

  private static List<String> problems(Project project) {
    return Validator.validate(project).stream().map(Object::toString).toList();
  }

  @Test
  void unknownNodeNamesTheKnownOnesAndSuggests() {
    Pipeline p =
        pipeline(
            "train",
            List.of(
                Node.Execution.of("convert", "echo"),
                Node.Execution.of("weights", "echo"),
                Node.Execution.of("train", "echo"),
                Node.Execution.of("detect", "echo")),
            List.of(
                edge("convert.output.a", "train.input.data"),
                edge("weights.output.b", "train.input.data"),
                edge("train.output.c", "trian.input.data")));
    assertThat(problems(Project.of(List.of(ECHO), List.of(p))))
        .containsExactly(
            "error: pipeline \"train\" › edges[2].target: edge target names node \"trian\", which"
                + " does not exist (known: convert, weights, train, detect); did you mean"
                + " \"train\"?");
  }

  @Test
  void cyclesAreNamedOnce() {
    Pipeline p =
        pipeline(
            "loop",
            List.of(
                Node.Execution.of("a", "echo"),
                Node.Execution.of("b", "echo"),
                Node.Execution.of("c", "echo")),
            List.of(
                edge("a.output.x", "b.input.data"),
                edge("b.output.x", "c.input.data"),
                edge("c.output.x", "a.input.data")));
    assertThat(problems(Project.of(List.of(ECHO), List.of(p))))
        .containsExactly(
            "error: pipeline \"loop\" › edges[2]: edges form a cycle: a -> b -> c -> a; a"
                + " pipeline is a DAG; remove one of these edges");
  }

  @Test
  void aLongChainIsCheckedWithoutRecursion() {
    List<Node> nodes = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      nodes.add(Node.Execution.of("n" + i, "echo"));
      if (i > 0) {
        edges.add(edge("n" + (i - 1) + ".output.x", "n" + i + ".input.data"));
      }
    }
    assertThat(Validator.validate(Project.of(List.of(ECHO), List.of(pipeline("long", nodes, edges)))))
        .isEmpty();
  }

  @Test
  void edgeKindsMustFit() {
    Pipeline p =
        pipeline(
            "kinds",
            List.of(Node.Execution.of("a", "echo"), Node.Execution.of("b", "echo")),
            List.of(
                edge("a.parameter.n", "b.input.data"),
                edge("a.output.x", "b.output.y"),
                edge("a.output.x", "b.file.model")));
    assertThat(problems(Project.of(List.of(ECHO), List.of(p))))
        .containsExactly(
            "error: pipeline \"kinds\" › edges[0]: an edge into an input cannot come from a"
                + " parameter (a.parameter.n -> b.input.data); an input takes inputs or outputs",
            "error: pipeline \"kinds\" › edges[1].target: \"output\" cannot be an edge target"
                + " (b.output.y); targets are input, parameter or file",
            "error: pipeline \"kinds\" › edges[2].target: a file edge must end at a deployment"
                + " node, but \"b\" is an execution");
  }

  @Test
  void typesOfDeclaredPortsMustMatch() {
    Pipeline p =
        pipeline(
            "types",
            List.of(Node.Execution.of("convert", "convert"), Node.Execution.of("train", "train")),
            List.of(
                edge("convert.output.classes.txt", "train.input.train"),
                edge("convert.output.nope/*", "train.input.classes")));
    assertThat(problems(Project.of(List.of(Fixtures.CONVERT, Fixtures.TRAIN), List.of(p))))
        .containsExactly(
            "error: pipeline \"types\" › edges[0]: convert.output.classes.txt carries"
                + " class-names, but train.input.train takes tf-record-shards",
            "error: pipeline \"types\" › edges[1].source: edge names output \"nope/*\", which"
                + " does not exist (node \"convert\" (step \"convert\") declares: classes.txt,"
                + " train/*)");
  }

  @Test
  void overridesMustNameWhatTheStepHas() {
    StepOverride override =
        new StepOverride(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            List.of(InputPatch.named("dta")),
            List.of(dev.kiln.pipelines.ParameterPatch.defaultValue("m", ParamValue.of(1))),
            Map.of());
    Node node =
        new Node.Execution(
            "x", "echo", override, OnError.STOP_ALL, EdgeMergeMode.REPLACE, List.of(), Map.of());
    Node typo = Node.Execution.of("y", "ecoh");
    assertThat(problems(Project.of(List.of(ECHO), List.of(pipeline("o", List.of(node, typo), List.of())))))
        .containsExactly(
            "error: pipeline \"o\" › nodes[0].override.inputs[0].name: override of node \"x\""
                + " names input \"dta\", which does not exist (step \"echo\" has: data); did you"
                + " mean \"data\"?",
            "error: pipeline \"o\" › nodes[0].override.parameters[0].name: override of node \"x\""
                + " names parameter \"m\", which does not exist (step \"echo\" has: n); did you"
                + " mean \"n\"?",
            "error: pipeline \"o\" › nodes[1].step: node \"y\" names step \"ecoh\", which does not"
                + " exist (known: echo); did you mean \"echo\"?");
  }

  @Test
  void taskNodesReferToBlueprints() {
    Node task =
        new Node.Task(
            "task-node",
            Optional.empty(),
            Optional.of("my-non-existent-task"),
            StepOverride.NONE,
            OnError.STOP_ALL,
            EdgeMergeMode.REPLACE,
            List.of(),
            Map.of());
    Project project =
        new Project(
            List.of(ECHO),
            List.of(pipeline("invalid-task-pipeline", List.of(task), List.of())),
            List.of(new TaskBlueprint("existing-task", Optional.of("echo"), Optional.empty(), Map.of())),
            List.of());
    assertThat(problems(project))
        .containsExactly(
            "error: pipeline \"invalid-task-pipeline\" › nodes[0].task: node \"task-node\" of"
                + " pipeline \"invalid-task-pipeline\" names task \"my-non-existent-task\", which"
                + " does not exist (known: existing-task)");
  }

  @Test
  void stepDefaultsThatDoNotFitAreWarnings() {
    Step s =
        Step.command("test", "python x.py")
            .addParameter(
                ParameterSpec.builder("value", ParameterType.INTEGER)
                    .optDefault(ParamValue.list(List.of(ParamValue.of(1337))))
                    .optMin(0.0)
                    .optMax(100.0)
                    .optMultiple(dev.kiln.pipelines.MultipleMode.REPEAT)
                    .build())
            .addParameter(
                ParameterSpec.builder("zoom", ParameterType.INTEGER).optDefault("zoom").build())
            .addParameter(
                ParameterSpec.builder("case-insensitive", ParameterType.FLAG)
                    .optOptional(true)
                    .build())
            .build();
    assertThat(Validator.validate(Project.of(List.of(s, s), List.of())))
        .extracting(Object::toString)
        .containsExactly(
            "warning: step \"test\" › parameters[0].default: default 1337 is greater than the"
                + " maximum (100)",
            "warning: step \"test\" › parameters[1].default: default \"zoom\" is not an integer",
            "warning: step \"test\" › parameters[2].optional: optional has no effect on a flag"
                + " parameter (\"case-insensitive\")",
            "warning: step \"test\" (#2) › name: duplicate step name \"test\"; the last"
                + " definition is used; rename one of them",
            "warning: step \"test\" (#2) › parameters[0].default: default 1337 is greater than"
                + " the maximum (100)",
            "warning: step \"test\" (#2) › parameters[1].default: default \"zoom\" is not an"
                + " integer",
            "warning: step \"test\" (#2) › parameters[2].optional: optional has no effect on a"
                + " flag parameter (\"case-insensitive\")");
  }

  @Test
  void pipelineParametersNeedTargets() {
    PipelineParameter none =
        new PipelineParameter("id", List.of(), Optional.of(ParamValue.of(123)), Optional.empty(), Map.of());
    PipelineParameter bad =
        new PipelineParameter(
            "n", List.of(end("a.parameter.nn")), Optional.empty(), Optional.empty(), Map.of());
    Pipeline p =
        new Pipeline(
            "pp", List.of(Node.Execution.of("a", "echo")), List.of(), List.of(none, bad), false, Map.of());
    assertThat(problems(Project.of(List.of(ECHO), List.of(p))))
        .containsExactly(
            "warning: pipeline \"pp\" › parameters[0]: pipeline parameter \"id\" has no targets,"
                + " so it sets nothing; add targets: [node.parameter.name]",
            "error: pipeline \"pp\" › parameters[1].targets[0]: edge names parameter \"nn\", which"
                + " does not exist (node \"a\" (step \"echo\") has: n); did you mean \"n\"?");
  }

  @Test
  void deploymentsAreKeptWithANote() {
    Node deploy =
        new Node.Deployment(
            "deploy", "dep", List.of("predict"), List.of(), OnError.STOP_ALL,
            EdgeMergeMode.REPLACE, List.of(), Map.of());
    Pipeline p =
        pipeline(
            "d",
            List.of(Node.Execution.of("a", "echo"), deploy),
            List.of(edge("a.output.model.pkl", "deploy.file.predict.model")));
    Project project = Project.of(List.of(ECHO), List.of(p));
    assertThat(Validator.validate(project))
        .extracting(Problem::severity, Problem::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Severity.NOTE, "deployment-kept"));
    assertThat(Validator.checkRunnable(project, p, Map.of("a", Set.of("data"))))
        .extracting(Problem::code)
        .containsExactly("cannot-run-deployment");
  }

  @Test
  void deploymentEdgesStartAtDeploymentNodesAndFeedParameters() {
    Node deploy =
        new Node.Deployment(
            "deploy", "dep", List.of("predict"), List.of(), OnError.STOP_ALL,
            EdgeMergeMode.REPLACE, List.of(), Map.of());
    Pipeline ok =
        pipeline(
            "d",
            List.of(Node.Execution.of("a", "echo"), deploy, Node.Execution.of("cleanup", "echo")),
            List.of(
                edge("a.output.model.pkl", "deploy.file.predict.model"),
                edge("deploy.deployment.version_id", "cleanup.parameter.n")));
    assertThat(Validator.validate(Project.of(List.of(ECHO), List.of(ok))))
        .extracting(Problem::code)
        .containsExactly("deployment-kept");

    Pipeline bad =
        pipeline(
            "e",
            List.of(Node.Execution.of("a", "echo"), deploy, Node.Execution.of("b", "echo")),
            List.of(
                edge("a.deployment.id", "b.parameter.n"),
                edge("deploy.deployment.id", "b.input.data"),
                edge("deploy.output.x", "b.parameter.n")));
    assertThat(problems(Project.of(List.of(ECHO), List.of(bad))))
        .contains(
            "error: pipeline \"e\" › edges[0].source: a deployment edge must start at a deployment"
                + " node, but \"a\" is an execution",
            "error: pipeline \"e\" › edges[2].source: deployment node \"deploy\" only gives"
                + " deployment values (deployment.id, deployment.version_id), not output");
    assertThat(Validator.validate(Project.of(List.of(ECHO), List.of(bad))))
        .extracting(Problem::code)
        .contains("edge-kind-mismatch");
  }

  @Test
  void requiredInputsMustBeFedToRun() {
    Pipeline p =
        pipeline(
            "run",
            List.of(Node.Execution.of("a", "echo"), Node.Execution.of("b", "echo")),
            List.of(edge("a.output.x", "b.input.data")));
    Project project = Project.of(List.of(ECHO), List.of(p));
    assertThat(Validator.checkRunnable(project, p, Map.of()))
        .extracting(Object::toString)
        .containsExactly(
            "error: pipeline \"run\" › nodes[0]: input \"data\" of node \"a\" is required, but it"
                + " has no default, no edge feeds it and the run does not give it; give it with"
                + " --input a.data=URI");
    assertThat(Validator.checkRunnable(project, p, Map.of("a", Set.of("data")))).isEmpty();
  }

  @Test
  void runValuesAreCheckedAgainstTheSpec() {
    ParameterSpec lr =
        ParameterSpec.builder("lr", ParameterType.FLOAT).optMin(0.0).optMax(1.0).build();
    assertThat(Validator.checkValue(lr, ParamValue.of(0.5))).isEmpty();
    assertThat(Validator.checkValue(lr, ParamValue.of(2))).containsExactly("2 is greater than the maximum (1)");
    assertThat(Validator.checkValue(lr, ParamValue.of("fast"))).containsExactly("\"fast\" is not a number");
    assertThat(Validator.checkValue(lr, ParamValue.list(List.of(ParamValue.of(0.1)))))
        .containsExactly("gives several values, but parameter \"lr\" takes one (set multiple: repeat or separate)");
  }

  @Test
  void pathsRenderForUsersAndIndexForLoaders() {
    ModelPath p = ModelPath.pipeline("train").field("edges").index(2).field("target");
    assertThat(p.toString()).isEqualTo("pipeline \"train\" › edges[2].target");
    assertThat(p.key()).isEqualTo("pipeline:train/edges/2/target");
    assertThat(ModelPath.step("x").occurrence(2).field("name").key()).isEqualTo("step:x#2/name");
    assertThat(p.parent().key()).isEqualTo("pipeline:train/edges/2");
  }
}
