package dev.kiln.pipelines.validation;

import java.util.Collection;
import java.util.Optional;

/**
 * Suggests the known name closest to a misspelt one, and words the {@code (known: a, b); did you
 * mean "a"?} part of a message about an unknown name. Every loader, linter and command uses this
 * one class, so the same typo gets the same suggestion everywhere.
 */
public final class DidYouMean {
  private DidYouMean() {}

  /**
   * The closest candidate within a small edit distance (a third of the name's length, at least
   * 2), or empty when nothing is close enough to be a plausible typo. The name itself is never
   * suggested; of equally close candidates the alphabetically first wins, so the suggestion does
   * not depend on the order of {@code known}.
   */
  public static Optional<String> closest(String wrong, Collection<String> known) {
    if (wrong == null) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int limit = Math.max(2, wrong.length() / 3);
    for (String candidate : known) {
      if (candidate == null || candidate.equals(wrong)) {
        continue;
      }
      int d = distance(wrong, candidate);
      if (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0)) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** {@code did you mean "x"?}, or empty: for a {@link Problem}'s hint. */
  public static Optional<String> hint(String wrong, Collection<String> known) {
    return closest(wrong, known).map(c -> "did you mean \"" + c + "\"?");
  }

  /** {@code ; did you mean "x"?}, or the empty string: for a message that carries its hint. */
  public static String suffix(String wrong, Collection<String> known) {
    return hint(wrong, known).map(h -> "; " + h).orElse("");
  }

  /** {@code (known: a, b)}, or {@code (known: none)}. */
  public static String known(Collection<String> known) {
    return known("known", known);
  }

  /** {@code (LABEL: a, b)}, or {@code (LABEL: none)}: {@code step "x" has}, for instance. */
  public static String known(String label, Collection<String> known) {
    return "(" + label + ": " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")";
  }

  /** {@code (known: a, b); did you mean "a"?}, or without the hint when nothing is close. */
  public static String knownAndHint(String wrong, Collection<String> known) {
    return known(known) + suffix(wrong, known);
  }

  /** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters costs 1. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
