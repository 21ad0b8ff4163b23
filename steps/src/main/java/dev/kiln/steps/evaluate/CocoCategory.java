package dev.kiln.steps.evaluate;

import static java.util.Objects.requireNonNull;

/** A ground-truth category; the name only labels per-category results. */
public record CocoCategory(long id, String name) {
  public CocoCategory {
    requireNonNull(name, "name");
  }
}
