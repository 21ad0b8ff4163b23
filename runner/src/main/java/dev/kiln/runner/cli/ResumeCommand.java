package dev.kiln.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.NotFoundException;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.spi.StepRegistry;
import dev.kiln.runner.git.RepositoryMirror;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import dev.kiln.runner.tuning.TuningSpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln resume RUN_ID}: finishes a run that was killed, stopped or failed. */
@Command(
    name = "resume",
    description = {
      "Finish a run that was killed, stopped or failed: finished nodes are kept, the others run.",
      "The pipeline is read again from where the run recorded it came from."
    })
final class ResumeCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ConsoleOptions consoleOptions = new ConsoleOptions();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin BeamOptions beam = BeamOptions.none();

  @Parameters(paramLabel = "RUN_ID")
  String runId;

  @Override
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    RunRecord run;
    try (LineageStore store = KilnRuntime.openStore()) {
      run = store.run(runId);
    } catch (NotFoundException e) {
      throw new UserException("no run " + runId + " in this Kiln home");
    }
    if (run.status() == RunStatus.SUCCEEDED) {
      err.println(
          "kiln: run " + runId + " already succeeded; there is nothing to resume (kiln show "
              + runId + " tells what it made)");
      out.println(runId);
      return 0;
    }
    JsonNode recorded = JSON.readTree(run.paramsJson());
    Map<String, List<String>> params = lists(recorded.path("params"));
    Map<String, List<String>> inputs = lists(recorded.path("inputs"));
    String source = run.sourceFile();
    if (source == null) {
      throw new UserException("run " + runId + " did not record where its pipeline came from");
    }
    ProjectSource ps;
    String pipelineName = run.pipeline();
    int step = source.indexOf("#step=");
    int tune = source.indexOf(TuneCommand.TUNE_MARK);
    if (tune >= 0) {
      // A tuning job: the step from where it came from, the search from what the job recorded.
      String stepName = source.substring(tune + TuneCommand.TUNE_MARK.length());
      String base = source.substring(0, tune);
      Step s =
          base.startsWith("builtin:")
              ? StepRegistry.load().require(stepName)
              : ProjectSource.fromFile(Path.of(base)).project().step(stepName)
                  .orElseThrow(() -> new UserException(base + " no longer has step " + stepName));
      String specJson;
      try (LineageStore store = KilnRuntime.openStore()) {
        var task =
            store.findExecution(runId, stepName)
                .orElseThrow(() -> new UserException("run " + runId + " has no task node " + stepName));
        specJson =
            store.tuningSpec(task.id())
                .orElseThrow(
                    () ->
                        new UserException(
                            "tuning job " + runId + " recorded no search; start it again with"
                                + " kiln tune"));
      }
      Project project =
          TuneCommand.tuningProject(s, TuningSpecJson.read(specJson));
      ps = new ProjectSource(base, project, Optional.empty());
    } else if (step >= 0) {
      String stepName = source.substring(step + "#step=".length());
      String base = source.substring(0, step);
      Step s =
          base.startsWith("builtin:")
              ? StepRegistry.load().require(stepName)
              : ProjectSource.fromFile(Path.of(base)).project().step(stepName)
                  .orElseThrow(() -> new UserException(base + " no longer has step " + stepName));
      Project project = ExecCommand.singleStep(s);
      ps = new ProjectSource(source, project, Optional.empty());
    } else {
      ps = ProjectSource.fromSource(source);
    }
    Pipeline pipeline = ps.pipeline(pipelineName);
    Plan plan = RunSupport.plan(ps, x -> Planner.plan(x.project(), pipeline, params, inputs), err);
    RunOptions options =
        RunOptions.of(source)
            .withParams(params)
            .withInputs(inputs)
            .withCommit(run.commit())
            .withReuse(recorded.path("reuse").asBoolean(false));
    try (KilnRuntime runtime = KilnRuntime.open(consoleOptions.console(err), null, beam)) {
      // A run of a commit that kiln watch checked out resumes in that checkout, so its steps see
      // the same code and its relative inputs the same files.
      Path workingDir = Path.of("").toAbsolutePath();
      if (run.commit() != null && run.commit().sha() != null && !run.commit().dirty()
          && run.commit().sha().matches("[0-9a-f]{40}")) {
        Path checkout =
            RepositoryMirror.checkoutDir(
                runtime.store.config().kilnHome(), run.commit().sha());
        if (Files.isDirectory(checkout)) {
          workingDir = checkout;
          err.println("kiln: resuming in the checkout of commit " + run.commit().sha() + ": " + checkout);
        }
      }
      try (var orchestrator = runtime.orchestrator(workingDir)) {
        RunResult result =
            RunSupport.runStoppable(orchestrator, () -> orchestrator.resume(runId, plan, options));
        return RunSupport.report(result, out);
      }
    }
  }

  private static Map<String, List<String>> lists(JsonNode node) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              List<String> values = new ArrayList<>();
              e.getValue().forEach(v -> values.add(v.asText()));
              out.put(e.getKey(), values);
            });
    return out;
  }
}
