package dev.kiln.compat.valohai;

import dev.kiln.compat.valohai.dto.ValohaiDto;
import dev.kiln.compat.valohai.mapping.LocationIndex;
import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.validation.Severity;
import java.util.List;
import java.util.Optional;

/**
 * What reading a {@code valohai.yaml} gave: the project when the file has no errors, and every
 * diagnostic (errors, warnings, notes) in file order.
 *
 * @param deployments top-level {@code deployment} items, which the domain {@link Project} has no
 *     place for yet; pass them to {@link ValohaiYaml#write(Project, List)} to keep them
 * @param index where each domain model path was written (empty when the file could not be mapped)
 */
public record ReadResult(
    Optional<Project> project,
    List<Diagnostic> diagnostics,
    List<ValohaiDto.Deployment> deployments,
    Optional<LocationIndex> index) {
  public ReadResult {
    diagnostics = List.copyOf(diagnostics);
    deployments = List.copyOf(deployments);
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  public List<Diagnostic> errors() {
    return diagnostics.stream().filter(Diagnostic::isError).toList();
  }

  public List<Diagnostic> warnings() {
    return diagnostics.stream().filter(d -> d.severity() == Severity.WARNING).toList();
  }
}
