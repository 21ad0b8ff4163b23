package dev.kiln.lineage.artifact;

/**
 * An artifact could not be stored, found or trusted. The message names the file or datum and says
 * what to do; it is meant to be shown to the user as it is.
 */
public class ArtifactStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ArtifactStoreException(String message) {
    super(message);
  }

  public ArtifactStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
