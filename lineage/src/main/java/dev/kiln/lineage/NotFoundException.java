package dev.kiln.lineage;

/** A run, execution or datum id that the store does not know. */
public class NotFoundException extends LineageStoreException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
