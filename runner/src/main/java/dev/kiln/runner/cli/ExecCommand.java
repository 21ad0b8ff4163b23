package dev.kiln.runner.cli;

import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.spi.StepRegistry;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln exec}: one step as a single-node run. */
@Command(
    name = "exec",
    description = {
      "Run one step as a single-node run (like a Valohai execution).",
      "The run id is printed alone on standard output; exit code 0 only when it succeeded."
    })
final class ExecCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ConsoleOptions consoleOptions = new ConsoleOptions();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin BeamOptions beam = BeamOptions.none();

  @Option(names = "--file", paramLabel = "FILE", description = "valohai.yaml (default: built-in steps)")
  Path file;

  @Option(names = "--step", required = true, paramLabel = "NAME")
  String step;

  @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a parameter; repeat for several values")
  List<String> params;

  @Option(names = "--input", paramLabel = "NAME=URI", description = "files for an input; repeatable")
  List<String> inputs;

  @Option(
      names = "--commit",
      paramLabel = "REV",
      description = "the code version to record (default: the Git working copy's commit)")
  String commit;

  @Option(names = "--reuse")
  boolean reuse;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    ProjectSource source;
    Step s;
    if (file != null) {
      source = ProjectSource.fromFile(file);
      Optional<Step> found = source.project().step(step);
      List<String> known = source.project().steps().stream().map(Step::name).toList();
      s =
          found.orElseThrow(
              () ->
                  new UserException(
                      file + " has no step \"" + step + "\" "
                          + DidYouMean.knownAndHint(step, known)));
    } else {
      try {
        s = StepRegistry.load().require(step);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      source = null;
    }
    Project project = singleStep(s);
    Pipeline p = project.pipelines().get(0);
    ProjectSource planned =
        new ProjectSource(
            source == null ? "builtin:" + s.name() : source.source(),
            project,
            source == null ? Optional.empty() : source.index());
    var paramMap = prefix(RunSupport.keyValues(params, "--param"), s.name());
    var inputMap = prefix(RunSupport.keyValues(inputs, "--input"), s.name());
    Plan plan =
        RunSupport.plan(planned, x -> Planner.plan(project, p, paramMap, inputMap), err);
    RunOptions options =
        RunOptions.of(planned.source() + "#step=" + s.name())
            .withParams(paramMap)
            .withInputs(inputMap)
            .withCommit(RunSupport.commitOf(commit, file, err))
            .withReuse(reuse);
    try (KilnRuntime runtime = KilnRuntime.open(consoleOptions.console(err), null, beam)) {
      RunResult result = RunSupport.runStoppable(runtime, () -> runtime.orchestrator.run(plan, options));
      return RunSupport.report(result, out);
    }
  }

  /** A project whose one pipeline runs {@code step} once, as a node of the same name. */
  static Project singleStep(Step step) {
    Pipeline p =
        new Pipeline(
            "exec:" + step.name(),
            List.of(Node.Execution.of(step.name(), step.name())),
            List.of(),
            List.of(),
            false,
            Map.of());
    return Project.of(List.of(step), List.of(p));
  }

  private static Map<String, List<String>> prefix(Map<String, List<String>> m, String node) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(node + "." + k, v));
    return out;
  }
}
