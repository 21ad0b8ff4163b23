package dev.kiln.pipelines.validation;

import java.util.Locale;

/**
 * How bad a problem is, for a {@link Problem} and for a lint diagnostic alike: errors stop a run
 * (and make a file unusable), warnings do not (they only fail a strict lint), notes only inform.
 */
public enum Severity {
  ERROR,
  WARNING,
  /**
   * Not a problem: something valid that Kiln keeps but cannot run yet (endpoints, deployment nodes,
   * task sweeps). Never fails a lint, even a strict one.
   */
  NOTE;

  /** The word printed before a message ({@code error}, {@code warning}, {@code note}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
