package dev.kiln.lineage.model;

import static com.google.common.base.Preconditions.checkArgument;

/** Argument checks shared by the model records. */
final class Checks {
  private Checks() {}

  static String nonBlank(String value, String what) {
    checkArgument(value != null && !value.isBlank(), "%s must not be blank", what);
    return value;
  }

  static String sha256OrNull(String sha256, String what) {
    checkArgument(
        sha256 == null || sha256.matches("[0-9a-f]{64}"),
        "%s must be 64 lower-case hex digits, got '%s'",
        what,
        sha256);
    return sha256;
  }

  /** A trial (number > 0) has its task's execution as parent; a node's execution (0) has none. */
  static void trial(int trial, String parentId) {
    checkArgument(
        trial >= 0 && (trial > 0) == (parentId != null),
        "a trial (number > 0) has its task's execution as parent and a node's execution (0) has"
            + " none; got trial %s with parent %s",
        trial,
        parentId);
  }
}
