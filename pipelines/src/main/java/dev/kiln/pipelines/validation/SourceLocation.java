package dev.kiln.pipelines.validation;

import static com.google.common.base.Preconditions.checkArgument;

/** A place in a file, 1-based, as editors count. */
public record SourceLocation(String file, int line, int column) {
  public SourceLocation {
    checkArgument(file != null, "file");
    checkArgument(line >= 1 && column >= 1, "line and column start at 1: %s:%s", line, column);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
