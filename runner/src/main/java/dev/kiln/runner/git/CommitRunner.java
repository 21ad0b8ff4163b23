package dev.kiln.runner.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.ReadResult;
import dev.kiln.compat.valohai.ValohaiYaml;
import dev.kiln.compat.valohai.mapping.LocationIndex;
import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.model.CommitInfo;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.spi.StepRegistry;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.PipelineValidationException;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.pipelines.validation.SourceLocation;
import dev.kiln.runner.orchestrator.Orchestrator;
import dev.kiln.runner.orchestrator.RunOptions;
import dev.kiln.runner.orchestrator.RunResult;
import dev.kiln.runner.plan.Plan;
import dev.kiln.runner.plan.Planner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs the pipeline a commit defines, from that commit's checkout. Loading happens before anything
 * runs; a commit whose pipeline cannot be loaded (invalid {@code valohai.yaml}, unknown pipeline,
 * wiring errors) still gets a recorded run, failed, whose detail lists every located problem, so
 * that the push is answered and the commit is not tried again on the next poll.
 *
 * <p>Where the pipeline comes from: {@code kiln.yaml} at the commit's root may name built-in Java
 * DSL pipelines ({@code pipeline: NAME} or {@code dsl-pipelines: [NAME, ...]}) and the valohai.yaml
 * to read ({@code valohai-yaml: PATH}, default {@code valohai.yaml}).
 */
public final class CommitRunner {
  static final String KILN_YAML = "kiln.yaml";

  private final LineageStore store;
  private final OrchestratorFactory orchestrators;
  private final Consumer<String> log;
  private volatile Orchestrator current;

  public CommitRunner(LineageStore store, OrchestratorFactory orchestrators, Consumer<String> log) {
    this.store = Objects.requireNonNull(store);
    this.orchestrators = Objects.requireNonNull(orchestrators);
    this.log = Objects.requireNonNull(log);
  }

  /** The pipeline as loaded from a checkout: or why it could not be. */
  sealed interface Loaded {
    record Ready(
        String source,
        Plan plan,
        List<String> warnings,
        Map<String, List<String>> params,
        Map<String, List<String>> inputs)
        implements Loaded {
      public Ready {
        warnings = List.copyOf(warnings);
        params = Map.copyOf(params);
        inputs = Map.copyOf(inputs);
      }
    }

    record Invalid(String source, String detail) implements Loaded {}
  }

  /** Loads, plans and runs {@code pipeline} from {@code checkout}, recording {@code commit}. */
  public TriggeredRun run(Path checkout, CommitInfo commit, String pipeline) {
    String sha = commit.sha();
    Loaded loaded = load(checkout, pipeline);
    if (loaded instanceof Loaded.Invalid invalid) {
      RunRecord run = store.createRun(new NewRun(pipeline, invalid.source(), "{}", commit));
      String detail = "commit " + shortSha(sha) + ": " + invalid.detail();
      store.transitionRun(run.id(), RunEvent.FAIL, detail);
      log.accept("run " + run.id() + " failed: " + detail);
      RunRecord failed = store.run(run.id());
      return new TriggeredRun(sha, run.id(), failed.status(), detail);
    }
    Loaded.Ready ready = (Loaded.Ready) loaded;
    ready.warnings().forEach(log);
    RunOptions options =
        RunOptions.of(ready.source())
            .withParams(ready.params())
            .withInputs(ready.inputs())
            .withCommit(commit);
    try (Orchestrator orchestrator = orchestrators.open(checkout)) {
      current = orchestrator;
      RunResult result = orchestrator.run(ready.plan(), options);
      return new TriggeredRun(sha, result.runId(), result.status(), result.summary());
    } finally {
      current = null;
    }
  }

  /** Stops the run in progress, if any (Ctrl-C while watching). */
  public void stop(String reason) {
    Orchestrator o = current;
    if (o != null) {
      o.stop(reason);
    }
  }

  /** The pipeline of a checkout, planned, or every reason why it cannot run. */
  Loaded load(Path checkout, String pipeline) {
    Path kilnYaml = checkout.resolve(KILN_YAML);
    String valohaiName = "valohai.yaml";
    KilnYaml k = KilnYaml.NONE;
    if (Files.isRegularFile(kilnYaml)) {
      try {
        k = KilnYaml.read(kilnYaml);
      } catch (KilnYamlException e) {
        return new Loaded.Invalid(kilnYaml.toString(), e.getMessage());
      }
      if (k.dslPipelines().contains(pipeline)) {
        return loadDsl(pipeline, k);
      }
      valohaiName = k.valohaiYaml().orElse(valohaiName);
    }
    Path file = checkout.resolve(valohaiName).normalize();
    String source = file.toString();
    if (!file.startsWith(checkout) || !Files.isRegularFile(file)) {
      return new Loaded.Invalid(
          source,
          "no "
              + valohaiName
              + " in the commit (and no kiln.yaml naming a DSL pipeline "
              + "\""
              + pipeline
              + "\")");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new Loaded.Invalid(source, valohaiName + ": cannot read (" + e.getMessage() + ")");
    }
    // Diagnostics name the file as it is in the repository, not the worktree path.
    ReadResult r = ValohaiYaml.parse(Path.of(valohaiName), text);
    if (r.project().isEmpty() || r.hasErrors()) {
      StringBuilder sb = new StringBuilder(valohaiName + " has errors:");
      // Errors and warnings, as kiln lint prints them: a warning often explains an error
      // (an unknown key "commnd" beside "command is required").
      for (Diagnostic d : r.diagnostics().stream().sorted(Diagnostic.ORDER).toList()) {
        sb.append("\n  ").append(d);
      }
      return new Loaded.Invalid(source, sb.toString());
    }
    List<String> warnings = new ArrayList<>();
    r.warnings().forEach(d -> warnings.add(d.toString()));
    return plan(source, valohaiName, r.project().get(), pipeline, r.index(), warnings, k);
  }

  private Loaded loadDsl(String pipeline, KilnYaml k) {
    StepRegistry registry = StepRegistry.load(CommitRunner.class.getClassLoader());
    Optional<Project> project = registry.pipeline(pipeline);
    if (project.isEmpty()) {
      return new Loaded.Invalid(
          "dsl:" + pipeline,
          KILN_YAML
              + " names the DSL pipeline \""
              + pipeline
              + "\" but no step library on the"
              + " class path defines it "
              + DidYouMean.knownAndHint(pipeline, registry.pipelineNames()));
    }
    return plan(
        "dsl:" + pipeline,
        "dsl:" + pipeline,
        project.get(),
        pipeline,
        Optional.empty(),
        List.of(),
        k);
  }

  private static Loaded plan(
      String source,
      String shownName,
      Project project,
      String pipeline,
      Optional<LocationIndex> index,
      List<String> warnings,
      KilnYaml k) {
    Optional<Pipeline> p = project.pipeline(pipeline);
    if (p.isEmpty()) {
      List<String> known = project.pipelines().stream().map(Pipeline::name).toList();
      return new Loaded.Invalid(
          source,
          shownName
              + " has no pipeline \""
              + pipeline
              + "\" "
              + DidYouMean.knownAndHint(pipeline, known));
    }
    try {
      Plan plan = Planner.plan(project, p.get(), k.params(), k.inputs());
      List<String> all = new ArrayList<>(warnings);
      plan.warnings().forEach(w -> all.add(locate(w, shownName, index).toString()));
      return new Loaded.Ready(source, plan, all, k.params(), k.inputs());
    } catch (PipelineValidationException e) {
      StringBuilder sb = new StringBuilder("the pipeline cannot run:");
      for (Problem problem : e.problems()) {
        sb.append("\n  ").append(locate(problem, shownName, index));
      }
      return new Loaded.Invalid(source, sb.toString());
    }
  }

  private static Problem locate(Problem p, String file, Optional<LocationIndex> index) {
    if (index.isEmpty() || p.location().isPresent()) {
      return p;
    }
    return index
        .get()
        .find(p.path())
        .filter(m -> m.line() > 0)
        .map(m -> p.withLocation(new SourceLocation(file, m.line(), m.col())))
        .orElse(p);
  }

  static String shortSha(String sha) {
    return sha == null ? "(no sha)" : sha.substring(0, Math.min(12, sha.length()));
  }

  /** {@code kiln.yaml}: which pipelines of a repository are Java DSL pipelines. */
  record KilnYaml(
      List<String> dslPipelines,
      Optional<String> valohaiYaml,
      Map<String, List<String>> params,
      Map<String, List<String>> inputs) {
    static final KilnYaml NONE = new KilnYaml(List.of(), Optional.empty(), Map.of(), Map.of());
    static final List<String> KEYS =
        List.of("pipeline", "dsl-pipelines", "valohai-yaml", "params", "inputs");

    KilnYaml {
      dslPipelines = List.copyOf(dslPipelines);
      params = Map.copyOf(params);
      inputs = Map.copyOf(inputs);
    }

    static KilnYaml read(Path file) {
      JsonNode root;
      try {
        root = new YAMLMapper().readTree(file.toFile());
      } catch (IOException e) {
        throw new KilnYamlException(KILN_YAML + ": not valid YAML: " + firstLine(e.getMessage()));
      }
      if (root == null || root.isMissingNode() || root.isNull()) {
        return NONE;
      }
      if (!root.isObject()) {
        throw new KilnYamlException(
            KILN_YAML + ": expected a mapping with " + String.join(", ", KEYS));
      }
      List<String> problems = new ArrayList<>();
      List<String> dsl = new ArrayList<>();
      Optional<String> valohai = Optional.empty();
      Map<String, List<String>> params = new LinkedHashMap<>();
      Map<String, List<String>> inputs = new LinkedHashMap<>();
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        JsonNode v = root.get(key);
        switch (key) {
          case "dsl-pipelines" -> {
            if (!v.isArray()) {
              problems.add("dsl-pipelines: expected a list of pipeline names");
            } else {
              for (int i = 0; i < v.size(); i++) {
                if (v.get(i).isTextual()) {
                  dsl.add(v.get(i).asText());
                } else {
                  problems.add("dsl-pipelines[" + i + "]: expected a pipeline name");
                }
              }
            }
          }
          case "pipeline" -> {
            if (v.isTextual()) {
              dsl.add(v.asText());
            } else {
              problems.add("pipeline: expected the name of a built-in DSL pipeline");
            }
          }
          case "params" -> values(v, "params", "NODE.PARAMETER", params, problems);
          case "inputs" -> values(v, "inputs", "NODE.INPUT", inputs, problems);
          case "valohai-yaml" -> {
            if (v.isTextual()) {
              valohai = Optional.of(v.asText());
            } else {
              problems.add("valohai-yaml: expected a path");
            }
          }
          default ->
              problems.add(
                  "unknown key \""
                      + key
                      + "\" "
                      + DidYouMean.knownAndHint(key, KEYS));
        }
      }
      if (!problems.isEmpty()) {
        throw new KilnYamlException(KILN_YAML + " has errors:\n  " + String.join("\n  ", problems));
      }
      return new KilnYaml(dsl, valohai, params, inputs);
    }

    /** {@code KEY: VALUE} or {@code KEY: [VALUE, ...]} with scalar values, as --param/--input. */
    private static void values(
        JsonNode v,
        String section,
        String keyForm,
        Map<String, List<String>> out,
        List<String> problems) {
      if (!v.isObject()) {
        problems.add(section + ": expected a mapping of " + keyForm + ": VALUE");
        return;
      }
      for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        JsonNode value = v.get(key);
        List<String> texts = new ArrayList<>();
        for (JsonNode item : value.isArray() ? value : List.of(value)) {
          if (item.isValueNode() && !item.isNull()) {
            texts.add(item.asText());
          } else {
            problems.add(section + "." + key + ": expected a value or a list of values");
          }
        }
        out.put(key, texts);
      }
    }

    private static String firstLine(String s) {
      return s == null ? "" : s.lines().findFirst().orElse("");
    }
  }

  static final class KilnYamlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KilnYamlException(String message) {
      super(message);
    }
  }
}
