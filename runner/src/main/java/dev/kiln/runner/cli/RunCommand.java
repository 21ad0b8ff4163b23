package dev.kiln.runner.cli;

import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln run}: runs a pipeline and records it. */
@Command(
    name = "run",
    description = {
      "Run a pipeline from a valohai.yaml (--file) or a built-in Java DSL pipeline.",
      "Step output goes to standard error; the run id is printed alone on standard output.",
      "Exit code 0 only when the run succeeded."
    })
final class RunCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ConsoleOptions consoleOptions = new ConsoleOptions();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin BeamOptions beam = BeamOptions.none();

  @Option(names = "--file", paramLabel = "FILE", description = "valohai.yaml (default: a built-in pipeline)")
  Path file;

  @Option(names = "--pipeline", required = true, paramLabel = "NAME", description = "the pipeline to run")
  String pipeline;

  @Option(
      names = "--param",
      paramLabel = "NODE.NAME=VALUE",
      description = "a node parameter (or PIPELINE_PARAMETER=VALUE); repeat for several values")
  List<String> params;

  @Option(names = "--input", paramLabel = "NODE.INPUT=URI", description = "files for a node input")
  List<String> inputs;

  @Option(
      names = "--commit",
      paramLabel = "REV",
      description =
          "the code version to record (default: the commit of the Git working copy holding --file"
              + " or the current folder, with its dirty flag)")
  String commit;

  @Option(names = "--reuse", description = "reuse finished executions with the same cache key")
  boolean reuse;

  @Option(names = "--cpus", paramLabel = "N", description = "executions that may run at once")
  Integer cpus;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    ProjectSource source = ProjectSource.load(file, pipeline);
    var paramMap = RunSupport.keyValues(params, "--param");
    var inputMap = RunSupport.keyValues(inputs, "--input");
    Plan plan =
        RunSupport.plan(
            source,
            s -> Planner.plan(s.project(), s.pipeline(pipeline), paramMap, inputMap),
            err);
    RunOptions options =
        RunOptions.of(source.source())
            .withParams(paramMap)
            .withInputs(inputMap)
            .withCommit(RunSupport.commitOf(commit, file, err))
            .withReuse(reuse);
    try (KilnRuntime runtime = KilnRuntime.open(consoleOptions.console(err), cpus, beam)) {
      RunResult result = RunSupport.runStoppable(runtime, () -> runtime.orchestrator.run(plan, options));
      return RunSupport.report(result, out);
    }
  }
}
