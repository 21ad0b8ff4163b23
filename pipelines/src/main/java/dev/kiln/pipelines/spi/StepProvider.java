package dev.kiln.pipelines.spi;

import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import java.util.List;

/**
 * A library of steps and pipelines, found with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.kiln.pipelines.spi.StepProvider} and the runner
 * offers its steps ({@code kiln step NAME}) and pipelines ({@code kiln run --pipeline NAME})
 * without being told about them.
 */
public interface StepProvider {
  /** The steps this library offers, by their unique names. */
  List<Step> steps();

  /** Pipelines written with the DSL, each with the steps it uses. */
  default List<Project> pipelines() {
    return List.of();
  }
}
