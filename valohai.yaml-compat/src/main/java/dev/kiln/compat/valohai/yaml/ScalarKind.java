package dev.kiln.compat.valohai.yaml;

/** What a scalar resolved to. */
public enum ScalarKind {
  NULL("null"),
  BOOLEAN("a boolean"),
  INTEGER("an integer"),
  FLOAT("a number"),
  STRING("a string"),
  TIMESTAMP("a timestamp");

  private final String description;

  ScalarKind(String description) {
    this.description = description;
  }

  public String describe() {
    return description;
  }
}
