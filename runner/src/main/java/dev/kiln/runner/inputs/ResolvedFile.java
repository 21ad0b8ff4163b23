package dev.kiln.runner.inputs;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A file an input URI stands for.
 *
 * @param relativePath where it goes below {@code inputs/<name>/}, after keep-directories
 * @param datumId the artifact id, when the file came from the artifact store
 * @param producer the execution that produced it, when known
 */
public record ResolvedFile(
    String relativePath,
    Path file,
    String uri,
    long size,
    String sha256,
    Optional<String> datumId,
    Optional<String> producer) {
  public ResolvedFile {
    Objects.requireNonNull(relativePath);
    Objects.requireNonNull(file);
    Objects.requireNonNull(uri);
    Objects.requireNonNull(sha256);
    Objects.requireNonNull(datumId);
    Objects.requireNonNull(producer);
  }
}
