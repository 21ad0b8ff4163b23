package dev.kiln.steps.labels;

/**
 * An annotation file that cannot be understood. The message is meant for the user and reads {@code
 * file:line:col: json.path: what is wrong}; no stack trace is needed to act on it.
 */
public final class LabelFormatException extends RuntimeException {
  private final String file;
  private final int line;
  private final int column;
  private final String path;
  private final String problem;

  /**
   * @param file the file as the user knows it (relative to the input when possible)
   * @param line 1-based line, or 0 when unknown
   * @param column 1-based column, or 0 when unknown
   * @param path where in the document, e.g. {@code annotations[3].bbox}; empty for the whole file
   * @param problem what is wrong and what was expected
   */
  public LabelFormatException(String file, int line, int column, String path, String problem) {
    super(format(file, line, column, path, problem));
    this.file = file;
    this.line = line;
    this.column = column;
    this.path = path;
    this.problem = problem;
  }

  private static String format(String file, int line, int column, String path, String problem) {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (path != null && !path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(problem).toString();
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public String path() {
    return path;
  }

  public String problem() {
    return problem;
  }
}
