package dev.kiln.compat.valohai;

import dev.kiln.compat.valohai.dto.ConfigLinter;
import dev.kiln.compat.valohai.dto.DtoReader;
import dev.kiln.compat.valohai.dto.ValohaiDto;
import dev.kiln.compat.valohai.yaml.LocatedYamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Entry points: read a {@code valohai.yaml} into Kiln's model, and write one back. */
public final class ValohaiYaml {
  private ValohaiYaml() {}

  /** The file as {@code valohai.yaml} records, with every problem found while reading and linting. */
  public record ConfigResult(Optional<ValohaiDto.Config> config, List<Diagnostic> diagnostics) {
    public ConfigResult {
      diagnostics = List.copyOf(diagnostics);
    }
  }

  /** Reads and lints {@code file} at the YAML level; never throws for bad input. */
  public static ConfigResult readConfig(Path file) {
    LocatedYamlReader.Result yaml = LocatedYamlReader.read(file);
    List<Diagnostic> diagnostics = new ArrayList<>(yaml.diagnostics());
    if (yaml.root().isEmpty()) {
      return new ConfigResult(Optional.empty(), diagnostics);
    }
    DtoReader.Result dto = DtoReader.read(file, yaml.root().get());
    diagnostics.addAll(dto.diagnostics());
    if (dto.config().isPresent()) {
      diagnostics.addAll(ConfigLinter.lint(file, dto.config().get()));
    }
    diagnostics.sort(Diagnostic.ORDER);
    return new ConfigResult(dto.config(), diagnostics);
  }

  /** Temporary until the domain mapping lands: same as {@link #readConfig}. */
  public static ConfigResult read(Path file) {
    return readConfig(file);
  }
}
