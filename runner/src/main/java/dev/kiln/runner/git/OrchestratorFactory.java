package dev.kiln.runner.git;

import dev.kiln.runner.orchestrator.Orchestrator;
import java.nio.file.Path;

/**
 * Makes an orchestrator whose working folder is a commit's checkout, so that steps see that
 * commit's code ({@code /valohai/repository}, {@code VH_REPOSITORY_DIR}) and relative inputs
 * resolve inside it. The caller closes it.
 */
@FunctionalInterface
public interface OrchestratorFactory {
  Orchestrator open(Path workingDir);
}
