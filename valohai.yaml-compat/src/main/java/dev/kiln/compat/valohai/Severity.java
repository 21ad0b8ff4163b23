package dev.kiln.compat.valohai;

/** How bad a {@link Diagnostic} is: errors make a file unusable, warnings only fail a strict lint. */
public enum Severity {
  ERROR("error"),
  WARNING("warning");

  private final String label;

  Severity(String label) {
    this.label = label;
  }

  /** The word printed in {@code FILE:LINE:COL: error|warning: message}. */
  public String label() {
    return label;
  }
}
