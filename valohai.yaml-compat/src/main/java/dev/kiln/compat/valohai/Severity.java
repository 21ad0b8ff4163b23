package dev.kiln.compat.valohai;

/** How bad a {@link Diagnostic} is: errors make a file unusable, warnings only fail a strict lint. */
public enum Severity {
  ERROR("error"),
  WARNING("warning"),
  /**
   * Not a problem with the file: something valid that Kiln keeps but cannot run yet (endpoints,
   * deployment nodes, task sweeps). Never fails a lint, even a strict one.
   */
  NOTE("note");

  private final String label;

  Severity(String label) {
    this.label = label;
  }

  /** The word printed in {@code FILE:LINE:COL: error|warning: message}. */
  public String label() {
    return label;
  }
}
