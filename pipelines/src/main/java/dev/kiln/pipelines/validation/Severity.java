package dev.kiln.pipelines.validation;

import java.util.Locale;

/** How bad a problem is: errors stop a run, warnings do not, notes only inform. */
public enum Severity {
  ERROR,
  WARNING,
  NOTE;

  /** The word printed before a message ({@code error}, {@code warning}, {@code note}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
