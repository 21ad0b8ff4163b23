package dev.kiln.compat.valohai;

import dev.kiln.compat.valohai.dto.ConfigLinter;
import dev.kiln.compat.valohai.dto.DtoReader;
import dev.kiln.compat.valohai.dto.DtoWriter;
import dev.kiln.compat.valohai.dto.ValohaiDto;
import dev.kiln.compat.valohai.mapping.DomainToDto;
import dev.kiln.compat.valohai.mapping.LocationIndex;
import dev.kiln.compat.valohai.mapping.ProjectMapper;
import dev.kiln.compat.valohai.mapping.TaskTuning;
import dev.kiln.compat.valohai.yaml.LocatedYamlReader;
import dev.kiln.compat.valohai.yaml.Mark;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.validation.Problem;
import dev.kiln.pipelines.validation.Severity;
import dev.kiln.pipelines.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Entry points: read a {@code valohai.yaml} into Kiln's {@link Project}, and write one back.
 *
 * <p>Reading runs in layers, each reporting every problem it finds: the YAML itself (syntax, bad
 * bytes, duplicate keys), the shape the reference parser's schema demands, the reference parser's
 * lint rules, and then the domain {@link Validator} on the mapped project. Domain problems are
 * located through the {@link LocationIndex}, never through Jackson's exception locations.
 */
public final class ValohaiYaml {
  /**
   * Domain checks stricter than the reference parser (it accepts edges to parameters a step does
   * not declare, steps from other commits...): still said, as notes, so that a file valid for
   * Valohai stays valid here. (Rules that are stricter and stay errors are in {@link
   * #STRICTER_THAN_REFERENCE_LINT}.)
   */
  static final Set<String> STRICTER_THAN_REFERENCE =
      Set.of(
          "unknown-input", "unknown-parameter", "unknown-output", "edge-kind-mismatch",
          "bad-edge-kind", "type-mismatch", "bad-parameter-target", "bad-value", "bad-default",
          "file-edge-to-non-deployment", "deployment-edge", "unknown-step", "task-without-step");

  /**
   * The opposite kind of deviation: lint rules where the reference parser only warns but Kiln
   * reports an error, because a run would otherwise start with a value it cannot use. Keyed by the
   * reference corpus file ({@code warning_examples/NAME.yaml}) that shows the rule; the value is the
   * reason. Unlike {@link #STRICTER_THAN_REFERENCE} these are not softened: they fail a lint and a
   * run. Documented in {@code docs/valohai-yaml.md}.
   */
  public static final Map<String, String> STRICTER_THAN_REFERENCE_LINT =
      Map.of(
          "invalid-numeric-parameter-default",
          "an integer or float parameter whose default is not a number of that type (`default:"
              + " lots`) would start the run with \"lots\" and fail inside the step; the reference"
              + " parser only warns");

  /**
   * Domain problems the reference-parser rules above already report (in the reference parser's
   * words and severity), left out so that nothing is said twice.
   */
  static final Set<String> ALREADY_REPORTED =
      Set.of(
          "duplicate-step", "ineffective-optional", "unknown-task", "unknown-node",
          "duplicate-node", "duplicate-parameter", "duplicate-input", "targetless-parameter",
          "deployment-kept");

  private ValohaiYaml() {}

  /** The file as {@code valohai.yaml} records, with every YAML-level problem. */
  public record ConfigResult(Optional<ValohaiDto.Config> config, List<Diagnostic> diagnostics) {
    public ConfigResult {
      diagnostics = List.copyOf(diagnostics);
    }
  }

  /** Reads and lints {@code file} at the YAML level only; never throws for bad input. */
  public static ConfigResult readConfig(Path file) {
    return config(file, LocatedYamlReader.read(file));
  }

  private static ConfigResult config(Path file, LocatedYamlReader.Result yaml) {
    List<Diagnostic> diagnostics = new ArrayList<>(yaml.diagnostics());
    if (yaml.root().isEmpty()) {
      return new ConfigResult(Optional.empty(), diagnostics);
    }
    DtoReader.Result dto = DtoReader.read(file, yaml.root().get());
    diagnostics.addAll(dto.diagnostics());
    if (dto.config().isPresent()) {
      diagnostics.addAll(ConfigLinter.lint(file, dto.config().get()));
      diagnostics.addAll(TaskTuning.lint(file, dto.config().get()));
    }
    return new ConfigResult(dto.config(), diagnostics);
  }

  /** Reads {@code file} into a project; never throws for bad input. */
  public static ReadResult read(Path file) {
    return read(file, LocatedYamlReader.read(file));
  }

  /** Reads YAML text as if it were the file {@code name} (used in messages). */
  public static ReadResult parse(Path name, String yaml) {
    return read(name, LocatedYamlReader.parse(name, yaml.getBytes(StandardCharsets.UTF_8)));
  }

  private static ReadResult read(Path file, LocatedYamlReader.Result yaml) {
    ConfigResult cr = config(file, yaml);
    List<Diagnostic> diagnostics = new ArrayList<>(cr.diagnostics());
    boolean errors = diagnostics.stream().anyMatch(Diagnostic::isError);
    if (cr.config().isEmpty() || errors) {
      diagnostics.sort(Diagnostic.ORDER);
      return new ReadResult(Optional.empty(), diagnostics, List.of(), Optional.empty());
    }
    ProjectMapper.Mapped mapped;
    try {
      mapped = ProjectMapper.map(cr.config().get());
    } catch (IllegalArgumentException e) {
      diagnostics.add(
          new Diagnostic(file, 0, 0, Severity.ERROR, "cannot build the pipeline model: " + e.getMessage()));
      diagnostics.sort(Diagnostic.ORDER);
      return new ReadResult(Optional.empty(), diagnostics, List.of(), Optional.empty());
    }
    diagnostics.addAll(located(file, Validator.validate(mapped.project()), mapped.index(), diagnostics));
    diagnostics.sort(Diagnostic.ORDER);
    boolean usable = diagnostics.stream().noneMatch(Diagnostic::isError);
    return new ReadResult(
        usable ? Optional.of(mapped.project()) : Optional.empty(),
        diagnostics,
        mapped.deployments(),
        Optional.of(mapped.index()));
  }

  /**
   * Domain problems as located diagnostics. A problem at a line where the YAML-level rules already
   * said something is the same finding in other words, and is left out.
   */
  static List<Diagnostic> located(
      Path file, List<Problem> problems, LocationIndex index, List<Diagnostic> already) {
    Set<Integer> lines = new HashSet<>();
    for (Diagnostic d : already) {
      lines.add(d.line());
    }
    List<Diagnostic> out = new ArrayList<>();
    for (Problem p : problems) {
      if (ALREADY_REPORTED.contains(p.code())
          || (p.code().equals("bad-default") && p.path().kind().equals("step"))) {
        continue;
      }
      Mark at = index.find(p.path()).orElse(Mark.NONE);
      if (lines.contains(at.line()) && at.line() > 0) {
        continue;
      }
      Severity severity =
          switch (p.severity()) {
            case ERROR -> STRICTER_THAN_REFERENCE.contains(p.code()) ? Severity.NOTE : Severity.ERROR;
            case WARNING -> STRICTER_THAN_REFERENCE.contains(p.code()) ? Severity.NOTE : Severity.WARNING;
            case NOTE -> Severity.NOTE;
          };
      String prefix = severity == Severity.NOTE && p.severity() != Severity.NOTE
          ? "Kiln: " : "";
      String text =
          index.toYaml(p.path()) + ": " + p.message() + p.hint().map(h -> "; " + h).orElse("");
      out.add(new Diagnostic(file, at.line(), at.col(), severity, prefix + text));
    }
    return out;
  }

  /** The project as {@code valohai.yaml} text. Java steps have no YAML form and are refused. */
  public static String write(Project project) {
    return write(project, List.of());
  }

  /** The project and the top-level deployment items read beside it, as {@code valohai.yaml} text. */
  public static String write(Project project, List<ValohaiDto.Deployment> deployments) {
    return DtoWriter.write(DomainToDto.toDto(project, deployments));
  }
}
