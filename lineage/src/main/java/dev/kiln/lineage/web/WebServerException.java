package dev.kiln.lineage.web;

/** The viewer could not start (address in use, bad bind address); the message says which. */
public class WebServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WebServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
