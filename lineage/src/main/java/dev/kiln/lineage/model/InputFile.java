package dev.kiln.lineage.model;

/**
 * One file an execution read for one of its inputs. Required: {@code inputName}, {@code uri},
 * {@code fileName}. Optional: {@code size}, {@code sha256} (known once downloaded), {@code
 * producingExecutionId} (when the file came from an upstream node), {@code datumId}. When a sha256
 * is given without a datum id the store derives it ({@code datum://<sha256>}), so a downloaded file
 * links to every execution that wrote the same bytes.
 */
public record InputFile(
    String inputName,
    String uri,
    String fileName,
    Long size,
    String sha256,
    String producingExecutionId,
    String datumId) {
  public InputFile {
    Checks.nonBlank(inputName, "input name");
    Checks.nonBlank(uri, "uri of input \"" + inputName + "\"");
    Checks.nonBlank(fileName, "file name of input \"" + inputName + "\"");
    Checks.sha256OrNull(sha256, "sha256 of input \"" + inputName + "\"");
    if (size != null && size < 0) {
      throw new IllegalArgumentException("size of input \"" + inputName + "\" is negative");
    }
  }

  /** A file from an upstream node's output, as the orchestrator wires it. */
  public static InputFile fromUpstream(
      String inputName,
      String uri,
      String fileName,
      long size,
      String sha256,
      String producingExecutionId) {
    return new InputFile(inputName, uri, fileName, size, sha256, producingExecutionId, null);
  }
}
