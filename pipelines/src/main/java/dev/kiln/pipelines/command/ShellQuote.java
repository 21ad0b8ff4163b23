package dev.kiln.pipelines.command;

import java.util.List;
import java.util.regex.Pattern;

/** POSIX shell quoting, character for character like Python's {@code shlex.quote}. */
public final class ShellQuote {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_@%+=:,./-]");

  private ShellQuote() {}

  /** {@code s} as one shell word: unchanged when safe, else single-quoted. */
  public static String quote(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    if (!UNSAFE.matcher(s).find()) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  /** Each argument quoted, joined by spaces; the empty string for none. */
  public static String quoteAll(List<String> args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(a));
    }
    return sb.toString();
  }
}
