package dev.kiln.lineage.model;

/** Which stream a log line came from. */
public enum LogStream {
  STDOUT,
  STDERR
}
