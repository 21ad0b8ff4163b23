package dev.kiln.steps.evaluate;

/**
 * Stable sorts of index arrays by primitive keys, without boxing. Stability is the point:
 * pycocotools sorts with {@code np.argsort(-scores, kind='mergesort')}, so equal scores keep their
 * input order, and that order decides which detection gets a ground truth.
 */
final class IndexSort {
  private static final int INSERTION_LIMIT = 24;

  private IndexSort() {}

  /**
   * Sorts {@code idx[from, to)} so that higher {@code score[idx[.]]} comes first; equal scores keep
   * their order. Compares with {@code <} on the negated scores as numpy does, so {@code -0.0} and
   * {@code 0.0} tie. {@code tmp} must hold at least {@code to} elements.
   */
  static void byScoreDescending(int[] idx, int from, int to, double[] score, int[] tmp) {
    if (to - from <= INSERTION_LIMIT) {
      for (int i = from + 1; i < to; i++) {
        int v = idx[i];
        double key = -score[v];
        int j = i - 1;
        while (j >= from && key < -score[idx[j]]) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    byScoreDescending(idx, from, mid, score, tmp);
    byScoreDescending(idx, mid, to, score, tmp);
    if (!(-score[idx[mid]] < -score[idx[mid - 1]])) {
      return; // already in order
    }
    System.arraycopy(idx, from, tmp, from, mid - from);
    int l = from;
    int r = mid;
    int o = from;
    while (l < mid && r < to) {
      // take from the right only when strictly before: keeps equal keys in input order
      if (-score[idx[r]] < -score[tmp[l]]) {
        idx[o++] = idx[r++];
      } else {
        idx[o++] = tmp[l++];
      }
    }
    while (l < mid) {
      idx[o++] = tmp[l++];
    }
  }

  /** Sorts {@code idx[from, to)} by ascending {@code key[idx[.]]}, stably. */
  static void byKeyAscending(int[] idx, int from, int to, long[] key, int[] tmp) {
    if (to - from <= INSERTION_LIMIT) {
      for (int i = from + 1; i < to; i++) {
        int v = idx[i];
        long k = key[v];
        int j = i - 1;
        while (j >= from && k < key[idx[j]]) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    byKeyAscending(idx, from, mid, key, tmp);
    byKeyAscending(idx, mid, to, key, tmp);
    if (!(key[idx[mid]] < key[idx[mid - 1]])) {
      return;
    }
    System.arraycopy(idx, from, tmp, from, mid - from);
    int l = from;
    int r = mid;
    int o = from;
    while (l < mid && r < to) {
      if (key[idx[r]] < key[tmp[l]]) {
        idx[o++] = idx[r++];
      } else {
        idx[o++] = tmp[l++];
      }
    }
    while (l < mid) {
      idx[o++] = tmp[l++];
    }
  }
}
