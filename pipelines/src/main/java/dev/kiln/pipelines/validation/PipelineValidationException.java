package dev.kiln.pipelines.validation;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.stream.Collectors;

/** A definition has errors; every problem found is in {@link #problems()}, not just the first. */
public final class PipelineValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public PipelineValidationException(List<Problem> problems) {
    super(format(problems));
    checkArgument(!problems.isEmpty(), "a validation exception needs problems");
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  public List<Problem> errors() {
    return problems.stream().filter(Problem::isError).toList();
  }

  private static String format(List<Problem> problems) {
    long errors = problems.stream().filter(Problem::isError).count();
    return errors
        + (errors == 1 ? " error" : " errors")
        + ":\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
