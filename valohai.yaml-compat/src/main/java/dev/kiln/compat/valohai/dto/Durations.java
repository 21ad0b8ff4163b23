package dev.kiln.compat.valohai.dto;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as {@code valohai.yaml} writes them: a number of seconds ({@code 300}) or a sum of
 * numbers with unit suffixes ({@code 1h 30m 5s}, {@code 48h}, {@code 1.5d}); s, m, h, d, w.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([.\\d]+)\\s*([a-zA-Z]*)");

  private Durations() {}

  /** Parses {@code text}; throws IllegalArgumentException with a user-facing message. */
  public static Duration parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(t);
    double seconds = 0;
    int end = 0;
    boolean any = false;
    while (m.find()) {
      if (!t.substring(end, m.start()).isBlank()) {
        throw new IllegalArgumentException(
            "`" + text + "` is not a duration (use seconds, or like `1h 30m 5s`)");
      }
      end = m.end();
      any = true;
      double value;
      try {
        value = Double.parseDouble(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("`" + m.group(0) + "` in `" + text + "` is not a number");
      }
      String suffix = m.group(2).toLowerCase(Locale.ROOT);
      char unit = suffix.isEmpty() ? 's' : suffix.charAt(0);
      long factor =
          switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            case 'w' -> 7 * 86400;
            default ->
                throw new IllegalArgumentException(
                    "unknown duration unit `" + m.group(2) + "` in `" + text
                        + "` (use s, m, h, d or w)");
          };
      seconds += value * factor;
    }
    if (!any || !t.substring(end).isBlank()) {
      throw new IllegalArgumentException(
          "`" + text + "` is not a duration (use seconds, or like `1h 30m 5s`)");
    }
    if (seconds <= 0) {
      throw new IllegalArgumentException("duration `" + text + "` must be positive");
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** Whole seconds, as the reference parser writes durations back. */
  public static long toYaml(Duration d) {
    return d.getSeconds();
  }
}
