package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/** How a step does its work: a shell command (Valohai's way) or a Java {@code StepFunction}. */
public sealed interface StepRun {

  /**
   * Shell command lines run one after the other in the execution directory, with {@code
   * {parameters}} and friends expanded.
   */
  record Command(List<String> lines) implements StepRun {
    public Command {
      lines = List.copyOf(lines);
    }
  }

  /**
   * A Java step: the binary name of a class implementing {@link
   * dev.kiln.pipelines.spi.StepFunction} with a public no-argument constructor. Kept by name so a
   * step definition stays a plain value that can be written out and compared.
   */
  record JavaFunction(String className) implements StepRun {
    public JavaFunction {
      checkArgument(
          className != null && !className.isBlank(), "a Java step needs a class name");
    }
  }
}
