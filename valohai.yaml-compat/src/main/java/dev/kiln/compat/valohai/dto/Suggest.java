package dev.kiln.compat.valohai.dto;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" hints: the closest known name by edit distance, when it is close enough. */
public final class Suggest {
  private Suggest() {}

  /** The closest of {@code known} to {@code given}, if within a third of its length (at least 2). */
  public static Optional<String> closest(String given, Collection<String> known) {
    if (given == null || known.isEmpty()) {
      return Optional.empty();
    }
    int limit = Math.max(2, given.length() / 3);
    return known.stream()
        .filter(k -> !k.equals(given))
        .min(Comparator.comparingInt((String k) -> distance(given, k)).thenComparing(k -> k))
        .filter(k -> distance(given, k) <= limit);
  }

  /** {@code "; did you mean \"x\"?"} or the empty string. */
  public static String didYouMean(String given, Collection<String> known) {
    return closest(given, known).map(k -> "; did you mean \"" + k + "\"?").orElse("");
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          cur[j] = Math.min(cur[j], prev[j - 2 < 0 ? 0 : j - 2] + 1);
        }
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
