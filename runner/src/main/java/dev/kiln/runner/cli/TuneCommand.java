package dev.kiln.runner.cli;

import dev.kiln.compat.aiplatform.AiPlatformConfig;
import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.TaskBlueprint;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.spi.StepRegistry;
import dev.kiln.pipelines.tuning.TuningSpec;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import dev.kiln.runner.tuning.TuningSpecJson;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln tune}: a hyperparameter tuning job of one step, configured as AI Platform's {@code
 * trainingInput.hyperparameters}. The job is a run whose one node is a task; its trials are that
 * node's executions.
 */
@Command(
    name = "tune",
    description = {
      "Tune a step's hyperparameters with an AI Platform config (trainingInput.hyperparameters).",
      "Trial output goes to standard error; the tuning job's id is printed alone on standard"
          + " output, last.",
      "Exit code 0 only when the job succeeded; 2 when the config or the step has errors."
    })
final class TuneCommand implements Callable<Integer> {
  /** Where a tuning job's run records it came from: {@code SOURCE#tune=STEP}. */
  static final String TUNE_MARK = "#tune=";

  static final String PIPELINE_PREFIX = "tune:";

  @Mixin ConsoleOptions consoleOptions = new ConsoleOptions();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin BeamOptions beam = BeamOptions.none();

  @Option(names = "--file", paramLabel = "FILE", description = "valohai.yaml (default: the built-in steps)")
  Path file;

  @Option(names = "--step", required = true, paramLabel = "NAME", description = "the step to tune")
  String step;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "AI Platform job config: trainingInput.hyperparameters")
  Path config;

  @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a fixed parameter of every trial")
  List<String> params;

  @Option(names = "--input", paramLabel = "NAME=URI", description = "files for an input of every trial")
  List<String> inputs;

  @Option(names = "--commit", paramLabel = "REV", description = "the code version to record")
  String commit;

  @Option(names = "--reuse", description = "reuse finished trials with the same parameters and inputs")
  boolean reuse;

  @Option(names = "--cpus", paramLabel = "N", description = "executions that may run at once")
  Integer cpus;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    ProjectSource source = file == null ? null : ProjectSource.fromFile(file);
    Step s = stepOf(source, step);
    AiPlatformConfig.Result read =
        AiPlatformConfig.read(config, s.parameters().stream().map(ParameterSpec::name).toList());
    for (Diagnostic d : read.diagnostics()) {
      if (!d.isError()) {
        err.println(d);
      }
    }
    if (read.hasErrors() || read.spec().isEmpty()) {
      StringBuilder sb = new StringBuilder(config + " has errors:");
      read.diagnostics().stream().filter(Diagnostic::isError).forEach(d -> sb.append("\n  ").append(d));
      throw new UserException(sb.toString());
    }
    String base = source == null ? "builtin:" + s.name() : source.source();
    Project project = tuningProject(s, read.spec().get());
    ProjectSource planned =
        new ProjectSource(base, project, source == null ? Optional.empty() : source.index());
    var paramMap = prefix(RunSupport.keyValues(params, "--param"), s.name());
    var inputMap = prefix(RunSupport.keyValues(inputs, "--input"), s.name());
    Pipeline p = project.pipelines().get(0);
    Plan plan = RunSupport.plan(planned, x -> Planner.plan(project, p, paramMap, inputMap), err);
    RunOptions options =
        RunOptions.of(base + TUNE_MARK + s.name())
            .withParams(paramMap)
            .withInputs(inputMap)
            .withCommit(RunSupport.commitOf(commit, file, err))
            .withReuse(reuse);
    try (KilnRuntime runtime = KilnRuntime.open(consoleOptions.console(err), cpus, beam)) {
      RunResult result =
          RunSupport.runStoppable(runtime, () -> runtime.orchestrator.run(plan, options));
      err.println("kiln: tuning job " + result.runId() + " " + result.status().name().toLowerCase(Locale.ROOT)
          + " (" + result.summary() + "); kiln show " + result.runId() + " lists its trials");
      return RunSupport.report(result, out);
    }
  }

  static Step stepOf(ProjectSource source, String step) {
    if (source == null) {
      try {
        return StepRegistry.load().require(step);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
    }
    List<String> known = source.project().steps().stream().map(Step::name).toList();
    return source
        .project()
        .step(step)
        .orElseThrow(
            () ->
                new UserException(
                    source.source() + " has no step \"" + step + "\" "
                        + DidYouMean.knownAndHint(step, known)));
  }

  /** A project whose one pipeline is one task node, named after the step, searching {@code spec}. */
  static Project tuningProject(Step step, TuningSpec spec) {
    String blueprint = PIPELINE_PREFIX + step.name();
    Node.Task node =
        new Node.Task(
            step.name(), Optional.of(step.name()), Optional.of(blueprint),
            StepOverride.NONE, OnError.STOP_ALL,
            EdgeMergeMode.REPLACE, List.of(), Map.of());
    Pipeline p =
        new Pipeline(PIPELINE_PREFIX + step.name(), List.of(node), List.of(), List.of(), false, Map.of());
    TaskBlueprint task =
        new TaskBlueprint(
            blueprint, Optional.of(step.name()),
            Optional.of(TuningSpecJson.algorithmName(spec.algorithm())), Map.of(),
            Optional.of(spec));
    return new Project(List.of(step), List.of(p), List.of(task), List.of());
  }

  private static Map<String, List<String>> prefix(Map<String, List<String>> m, String node) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(node + "." + k, v));
    return out;
  }
}
