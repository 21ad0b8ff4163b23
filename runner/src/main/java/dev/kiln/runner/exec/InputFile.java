package dev.kiln.runner.exec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A file placed in an execution's {@code inputs/<name>/} folder.
 *
 * @param relativePath where it lies below {@code inputs/<name>/} (after keep-directories)
 * @param source the file's content on disk (an artifact in the store, a downloaded or local file)
 * @param uri what the user or an edge named ({@code datum://...}, a path, a URL)
 * @param producer the execution that produced it, when it came from an edge or a datum
 */
public record InputFile(
    String relativePath,
    Path source,
    String uri,
    long size,
    String sha256,
    Optional<String> datumId,
    Optional<String> producer) {
  public InputFile {
    Objects.requireNonNull(relativePath, "relativePath");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(datumId, "datumId");
    Objects.requireNonNull(producer, "producer");
  }
}
