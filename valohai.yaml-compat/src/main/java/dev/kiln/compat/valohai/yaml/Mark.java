package dev.kiln.compat.valohai.yaml;

import static com.google.common.base.Preconditions.checkArgument;

/** A 1-based line and column in the source file. */
public record Mark(int line, int col) {
  /** For values that did not come from a file (built in code, written back). */
  public static final Mark NONE = new Mark(0, 0);

  public Mark {
    checkArgument(line >= 0 && col >= 0, "negative mark %s:%s", line, col);
  }

  @Override
  public String toString() {
    return line + ":" + col;
  }
}
