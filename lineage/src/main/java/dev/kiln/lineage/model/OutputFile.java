package dev.kiln.lineage.model;

import dev.kiln.lineage.artifact.ArtifactRef;

/**
 * One file an execution left under {@code outputs/}: its path relative to that folder (with '/'),
 * its size, content hash and datum id from the artifact store.
 */
public record OutputFile(String path, long size, String sha256, String datumId) {
  public OutputFile {
    Checks.nonBlank(path, "output path");
    if (path.startsWith("/")
        || path.contains("\\")
        || path.equals("..")
        || path.startsWith("../")
        || path.contains("/../")
        || path.endsWith("/..")) {
      throw new IllegalArgumentException(
          "output path must be relative to outputs/ and stay inside it: '" + path + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size of output '" + path + "' is negative");
    }
    Checks.nonBlank(sha256, "sha256 of output '" + path + "'");
    Checks.sha256OrNull(sha256, "sha256 of output '" + path + "'");
    Checks.nonBlank(datumId, "datum id of output '" + path + "'");
  }

  /** An output as the artifact store stored it. */
  public static OutputFile of(String path, ArtifactRef ref) {
    return new OutputFile(path, ref.size(), ref.sha256(), ref.datumId());
  }
}
