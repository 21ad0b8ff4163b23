package dev.kiln.lineage.artifact;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A stored artifact: its SHA-256 (64 lower-case hex digits), size in bytes and datum id. The datum
 * id is {@code datum://<sha256>}: derived from the content, so it is stable across stores and
 * machines, can be checked by re-hashing, and needs no database look-up to resolve.
 */
public record ArtifactRef(String sha256, long size, String datumId) {
  public ArtifactRef {
    checkArgument(
        sha256 != null && ArtifactStore.SHA256.matcher(sha256).matches(),
        "sha256 must be 64 lower-case hex digits, got '%s'",
        sha256);
    checkArgument(size >= 0, "size must be >= 0, got %s", size);
    checkArgument(
        ArtifactStore.datumIdOf(sha256).equals(datumId),
        "datum id of %s must be %s, got '%s'",
        sha256,
        ArtifactStore.datumIdOf(sha256),
        datumId);
  }

  public static ArtifactRef of(String sha256, long size) {
    return new ArtifactRef(sha256, size, ArtifactStore.datumIdOf(sha256));
  }
}
