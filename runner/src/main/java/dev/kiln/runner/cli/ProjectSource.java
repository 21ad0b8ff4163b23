package dev.kiln.runner.cli;

import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.compat.valohai.ReadResult;
import dev.kiln.compat.valohai.ValohaiYaml;
import dev.kiln.compat.valohai.mapping.LocationIndex;
import dev.kiln.pipelines.Pipeline;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.spi.StepRegistry;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.pipelines.validation.SourceLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a pipeline comes from: a valohai.yaml file, or a pipeline written with the Java DSL and
 * registered by a step library ({@code dsl:NAME}). Keeps the file's location index so problems found
 * later (when planning) still point at a line and column.
 */
record ProjectSource(String source, Project project, Optional<LocationIndex> index) {

  static final String DSL_PREFIX = "dsl:";

  /** Loads {@code --file} or, without one, the DSL pipeline of that name. */
  static ProjectSource load(Path file, String pipeline) {
    if (file == null) {
      StepRegistry registry = StepRegistry.load();
      Project p =
          registry
              .pipeline(pipeline)
              .orElseThrow(
                  () ->
                      new UserException(
                          "no --file given and no built-in pipeline \"" + pipeline + "\" "
                              + DidYouMean.knownAndHint(pipeline, registry.pipelineNames())));
      return new ProjectSource(DSL_PREFIX + pipeline, p, Optional.empty());
    }
    return fromFile(file);
  }

  static ProjectSource fromSource(String source) {
    if (source.startsWith(DSL_PREFIX)) {
      return load(null, source.substring(DSL_PREFIX.length()));
    }
    return fromFile(Path.of(source));
  }

  static ProjectSource fromFile(Path file) {
    ReadResult r = ValohaiYaml.read(file);
    List<Diagnostic> errors = r.diagnostics().stream().filter(Diagnostic::isError).toList();
    if (r.project().isEmpty() || !errors.isEmpty()) {
      StringBuilder sb = new StringBuilder(file + " has errors:");
      for (Diagnostic d : errors.isEmpty() ? r.diagnostics() : errors) {
        sb.append("\n  ").append(d);
      }
      throw new UserException(sb.toString());
    }
    return new ProjectSource(
        file.toAbsolutePath().normalize().toString(), r.project().get(), r.index());
  }

  Pipeline pipeline(String name) {
    return project
        .pipeline(name)
        .orElseThrow(
            () -> {
              List<String> known = project.pipelines().stream().map(Pipeline::name).toList();
              return new UserException(
                  source + " has no pipeline \"" + name + "\" "
                      + DidYouMean.knownAndHint(name, known));
            });
  }

  /** The problem with its file location, when it came from a file. */
  Problem locate(Problem p) {
    if (index.isEmpty() || p.location().isPresent() || p.path().kind().equals("cli")) {
      return p;
    }
    return index
        .get()
        .find(p.path())
        .filter(m -> m.line() > 0)
        .map(m -> p.withLocation(new SourceLocation(source, m.line(), m.col())))
        .orElse(p);
  }
}
