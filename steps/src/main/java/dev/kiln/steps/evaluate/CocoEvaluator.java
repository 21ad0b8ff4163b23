package dev.kiln.steps.evaluate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * COCO bounding-box evaluation with the exact semantics of pycocotools' {@code COCOeval(gt, dt,
 * 'bbox')} with default parameters: {@code evaluate()}, {@code accumulate()}, {@code summarize()}.
 *
 * <p>Reproduced on purpose, because users compare Kiln's numbers with pycocotools':
 *
 * <ul>
 *   <li>IoU thresholds {@code np.linspace(.5, .95, 10)}, recall thresholds {@code np.linspace(0, 1,
 *       101)}, with numpy's rounding; a detection matches at threshold {@code t} when IoU {@code >=
 *       min(t, 1 - 1e-10)}; of equal IoUs the later ground truth wins.
 *   <li>IoU as maskApi.c's {@code bbIou}: widths and heights used as they are (no +1); against a
 *       crowd region IoU is intersection / detection area.
 *   <li>A ground truth is ignored when it is a crowd or its {@code area} field is outside the range
 *       (bounds inclusive); the {@code ignore} field has no effect (upstream overwrites it).
 *       Ignored ground truths are sorted last, stably; a detection that matches one is ignored, and
 *       an unmatched detection whose {@code width * height} is outside the range is ignored.
 *   <li>Detections are sorted by score with a stable sort ({@code kind='mergesort'}), so ties keep
 *       file order, and only the best 100 per image and category are kept.
 *   <li>Ground-truth ids are what a detection's match is recorded with, and pycocotools treats a
 *       match id of 0 as "unmatched": a detection that matches a ground truth with id 0 counts as a
 *       false positive, and the ground truth as not found.
 *   <li>Precision is made monotonically decreasing from the right and read at the 101 recall
 *       thresholds with {@code np.searchsorted(rc, recThrs, side='left')}, 0 past the last recall;
 *       {@code -1} marks a category/area without ground truth, and summaries average the entries
 *       {@code > -1} with numpy's pairwise summation ({@code -1} when there are none).
 *   <li>Images are the ground truth's image ids; categories are the ground truth's categories
 *       ({@code useCats=1}); detections of other categories are not evaluated; a detection on an
 *       image the ground truth does not list is an error, as in {@code loadRes}.
 * </ul>
 *
 * <p>One deliberate difference: an empty result list evaluates to zero recall and precision, where
 * pycocotools' {@code loadRes} fails with an {@code IndexError}.
 *
 * <p>Cost: IoUs and matching are {@code O(dets * gts)} per image and category; accumulation sorts
 * each category's detections once per {@code maxDets}. Stateless and thread-safe.
 */
public final class CocoEvaluator {
  static final double[] IOU_THRESHOLDS = NumpyMath.linspace(.5, 0.95, 10);
  static final double[] RECALL_THRESHOLDS = NumpyMath.linspace(.0, 1.00, 101);
  static final int[] MAX_DETS = {1, 10, 100};

  /**
   * all, small, medium, large: {@code [0, 1e5**2], [0, 32**2], [32**2, 96**2], [96**2, 1e5**2]}.
   */
  static final double[][] AREA_RANGES = {{0, 1e10}, {0, 1024}, {1024, 9216}, {9216, 1e10}};

  private static final int T = IOU_THRESHOLDS.length;
  private static final int R = RECALL_THRESHOLDS.length;
  private static final int A = AREA_RANGES.length;
  private static final int M = MAX_DETS.length;
  private static final int MAX_DET = MAX_DETS[M - 1];

  private static final byte IGNORED = 0;
  private static final byte TRUE_POSITIVE = 1;
  private static final byte FALSE_POSITIVE = 2;

  private CocoEvaluator() {}

  /**
   * Evaluates detections read from a file; a detection on an unknown image is reported at its
   * {@code file:line:col}.
   */
  public static CocoMetrics evaluate(CocoGroundTruth gt, CocoDetections dts) {
    requireNonNull(dts, "dts");
    return evaluate(gt, dts.list(), i -> dts.locationOf(i) + ": [" + i + "]");
  }

  /**
   * Evaluates detections built in code; a detection on an unknown image is reported as {@code
   * detections[index]}.
   *
   * @throws EvaluationInputException when a detection's image is not in the ground truth
   */
  public static CocoMetrics evaluate(CocoGroundTruth gt, List<CocoDetection> dts) {
    requireNonNull(dts, "dts");
    return evaluate(gt, dts, i -> "detections[" + i + "]");
  }

  private static CocoMetrics evaluate(
      CocoGroundTruth gt, List<CocoDetection> dtList, IntFunction<String> where) {
    requireNonNull(gt, "gt");
    long[] imgIds = gt.imageIds().stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    long[] catIds =
        gt.categories().stream().mapToLong(CocoCategory::id).sorted().distinct().toArray();
    int nImg = imgIds.length;
    int nCat = catIds.length;

    // Detections, as columns. loadRes checks every image id, whatever the category.
    int nDt = dtList.size();
    double[] dtScore = new double[nDt];
    double[] dtBox = new double[nDt * 4];
    long[] dtKey = new long[nDt];
    int[] dtSel = new int[nDt];
    int nDtSel = 0;
    for (int i = 0; i < nDt; i++) {
      CocoDetection d = dtList.get(i);
      int ii = Arrays.binarySearch(imgIds, d.imageId());
      if (ii < 0) {
        throw new EvaluationInputException(
            where.apply(i)
                + ".image_id: image "
                + d.imageId()
                + " is not in the ground truth's \"images\" ("
                + nImg
                + " images); results must belong to the evaluated set, as pycocotools' loadRes"
                + " requires");
      }
      dtScore[i] = d.score();
      dtBox[4 * i] = d.x();
      dtBox[4 * i + 1] = d.y();
      dtBox[4 * i + 2] = d.width();
      dtBox[4 * i + 3] = d.height();
      int kk = Arrays.binarySearch(catIds, d.categoryId());
      if (kk >= 0) {
        dtKey[i] = (long) kk * nImg + ii;
        dtSel[nDtSel++] = i;
      }
    }

    // Ground truths, as columns; those on unlisted images or categories are not evaluated.
    List<CocoAnnotation> gtList = gt.annotations();
    int nGt = gtList.size();
    double[] gtBox = new double[nGt * 4];
    double[] gtArea = new double[nGt];
    boolean[] gtCrowd = new boolean[nGt];
    long[] gtId = new long[nGt];
    long[] gtKey = new long[nGt];
    int[] gtSel = new int[nGt];
    int nGtSel = 0;
    for (int i = 0; i < nGt; i++) {
      CocoAnnotation g = gtList.get(i);
      gtBox[4 * i] = g.x();
      gtBox[4 * i + 1] = g.y();
      gtBox[4 * i + 2] = g.width();
      gtBox[4 * i + 3] = g.height();
      gtArea[i] = g.area();
      gtCrowd[i] = g.crowd();
      gtId[i] = g.id();
      int ii = Arrays.binarySearch(imgIds, g.imageId());
      int kk = Arrays.binarySearch(catIds, g.categoryId());
      if (ii >= 0 && kk >= 0) {
        gtKey[i] = (long) kk * nImg + ii;
        gtSel[nGtSel++] = i;
      }
    }
    // Group by (category, image), keeping file order inside a group.
    int[] tmp = new int[Math.max(nDt, nGt)];
    IndexSort.byKeyAscending(dtSel, 0, nDtSel, dtKey, tmp);
    IndexSort.byKeyAscending(gtSel, 0, nGtSel, gtKey, tmp);

    List<List<ImageResult>> perCategory = new ArrayList<>(nCat);
    for (int k = 0; k < nCat; k++) {
      perCategory.add(new ArrayList<>());
    }
    Matcher matcher = new Matcher(gtBox, gtArea, gtCrowd, gtId, dtBox, dtScore);
    int di = 0;
    int gi = 0;
    while (di < nDtSel || gi < nGtSel) {
      long dKey = di < nDtSel ? dtKey[dtSel[di]] : Long.MAX_VALUE;
      long gKey = gi < nGtSel ? gtKey[gtSel[gi]] : Long.MAX_VALUE;
      long key = Math.min(dKey, gKey);
      int dEnd = di;
      while (dEnd < nDtSel && dtKey[dtSel[dEnd]] == key) {
        dEnd++;
      }
      int gEnd = gi;
      while (gEnd < nGtSel && gtKey[gtSel[gEnd]] == key) {
        gEnd++;
      }
      perCategory
          .get((int) (key / nImg))
          .add(matcher.evaluateImage(dtSel, di, dEnd, gtSel, gi, gEnd));
      di = dEnd;
      gi = gEnd;
    }

    Accumulated acc = accumulate(perCategory, nCat);
    return summarize(acc, gt, catIds);
  }

  /**
   * One image and category after matching ({@code evalImgs} for the four area ranges): scores in
   * rank order, and per area the status of detection d at threshold t at {@code [d * T + t]}.
   */
  private record ImageResult(double[] scores, byte[][] status, int[] nonIgnoredGts) {}

  /** evaluateImg() for one image and category, with reused buffers. */
  private static final class Matcher {
    private final double[] gtBox;
    private final double[] gtArea;
    private final boolean[] gtCrowd;
    private final long[] gtId;
    private final double[] dtBox;
    private final double[] dtScore;
    private double[] ious = new double[0];
    private int[] dt = new int[0];
    private int[] sortTmp = new int[0];
    private int[] order = new int[0];
    private boolean[] ignoredSorted = new boolean[0];
    private boolean[] crowdSorted = new boolean[0];
    private boolean[] matched = new boolean[0];

    Matcher(
        double[] gtBox,
        double[] gtArea,
        boolean[] gtCrowd,
        long[] gtId,
        double[] dtBox,
        double[] dtScore) {
      this.gtBox = gtBox;
      this.gtArea = gtArea;
      this.gtCrowd = gtCrowd;
      this.gtId = gtId;
      this.dtBox = dtBox;
      this.dtScore = dtScore;
    }

    ImageResult evaluateImage(int[] dtSel, int dFrom, int dTo, int[] gtSel, int gFrom, int gTo) {
      int nAll = dTo - dFrom;
      if (dt.length < nAll) {
        dt = new int[nAll];
        sortTmp = new int[nAll];
      }
      System.arraycopy(dtSel, dFrom, dt, 0, nAll);
      IndexSort.byScoreDescending(dt, 0, nAll, dtScore, sortTmp);
      int nd = Math.min(nAll, MAX_DET);
      int ng = gTo - gFrom;
      if (ious.length < nd * ng) {
        ious = new double[nd * ng];
      }
      if (order.length < ng) {
        order = new int[ng];
        ignoredSorted = new boolean[ng];
        crowdSorted = new boolean[ng];
        matched = new boolean[ng];
      }
      computeIous(gtSel, gFrom, ng, nd);

      double[] scores = new double[nd];
      for (int d = 0; d < nd; d++) {
        scores[d] = dtScore[dt[d]];
      }
      byte[][] status = new byte[A][];
      int[] nonIgnored = new int[A];
      for (int a = 0; a < A; a++) {
        double lo = AREA_RANGES[a][0];
        double hi = AREA_RANGES[a][1];
        // gts: not ignored first, then ignored, each in file order (stable argsort of _ignore)
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
          for (int g = 0; g < ng; g++) {
            int gIdx = gtSel[gFrom + g];
            double area = gtArea[gIdx];
            boolean ignored = gtCrowd[gIdx] || area < lo || area > hi;
            if (ignored == (pass == 1)) {
              order[n] = g;
              ignoredSorted[n] = ignored;
              crowdSorted[n] = gtCrowd[gIdx];
              n++;
            }
          }
          if (pass == 0) {
            nonIgnored[a] = n;
          }
        }
        byte[] st = new byte[T * nd];
        for (int t = 0; t < T; t++) {
          double threshold = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
          Arrays.fill(matched, 0, ng, false);
          for (int d = 0; d < nd; d++) {
            double best = threshold;
            int m = -1;
            int row = d * ng;
            for (int s = 0; s < ng; s++) {
              if (matched[s] && !crowdSorted[s]) {
                continue;
              }
              if (m > -1 && !ignoredSorted[m] && ignoredSorted[s]) {
                break;
              }
              double v = ious[row + order[s]];
              if (v < best) {
                continue;
              }
              best = v;
              m = s;
            }
            boolean ignored = false;
            boolean matchId = false; // dtMatches != 0
            if (m != -1) {
              ignored = ignoredSorted[m];
              matchId = gtId[gtSel[gFrom + order[m]]] != 0;
              matched[m] = true;
            }
            if (!matchId && !ignored) {
              int b = 4 * dt[d];
              double dArea = dtBox[b + 2] * dtBox[b + 3];
              ignored = dArea < lo || dArea > hi;
            }
            st[d * T + t] = ignored ? IGNORED : matchId ? TRUE_POSITIVE : FALSE_POSITIVE;
          }
        }
        status[a] = st;
      }
      return new ImageResult(scores, status, nonIgnored);
    }

    /** maskApi.c bbIou, row per detection (score order), column per gt (file order). */
    private void computeIous(int[] gtSel, int gFrom, int ng, int nd) {
      for (int g = 0; g < ng; g++) {
        int gb = 4 * gtSel[gFrom + g];
        double gx = gtBox[gb];
        double gy = gtBox[gb + 1];
        double gw = gtBox[gb + 2];
        double gh = gtBox[gb + 3];
        double ga = gw * gh;
        boolean crowd = gtCrowd[gtSel[gFrom + g]];
        for (int d = 0; d < nd; d++) {
          int db = 4 * dt[d];
          double dx = dtBox[db];
          double dy = dtBox[db + 1];
          double dw = dtBox[db + 2];
          double dh = dtBox[db + 3];
          double da = dw * dh;
          double o = 0;
          double w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
          if (w > 0) {
            double h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
            if (h > 0) {
              double i = w * h;
              double u = crowd ? da : da + ga - i;
              o = i / u;
            }
          }
          ious[d * ng + g] = o;
        }
      }
    }
  }

  /** {@code eval['precision']} [T][R][K][A][M] and {@code eval['recall']} [T][K][A][M], flat. */
  private record Accumulated(double[] precision, double[] recall, int k) {
    int p(int t, int r, int c, int a, int m) {
      return (((t * R + r) * k + c) * A + a) * M + m;
    }

    int r(int t, int c, int a, int m) {
      return ((t * k + c) * A + a) * M + m;
    }
  }

  private static Accumulated accumulate(List<List<ImageResult>> perCategory, int nCat) {
    double[] precision = new double[T * R * nCat * A * M];
    double[] recall = new double[T * nCat * A * M];
    Arrays.fill(precision, -1);
    Arrays.fill(recall, -1);
    Accumulated acc = new Accumulated(precision, recall, nCat);
    int[] tp = new int[T];
    int[] fp = new int[T];
    for (int k = 0; k < nCat; k++) {
      ImageResult[] e = perCategory.get(k).toArray(new ImageResult[0]);
      if (e.length == 0) {
        continue;
      }
      for (int m = 0; m < M; m++) {
        int maxDet = MAX_DETS[m];
        int total = 0;
        for (ImageResult r : e) {
          total += Math.min(r.scores().length, maxDet);
        }
        // concatenate per image (image order), then stable sort by descending score
        double[] scores = new double[total];
        int[] owner = new int[total];
        int[] pos = new int[total];
        int n = 0;
        for (int i = 0; i < e.length; i++) {
          double[] s = e[i].scores();
          int c = Math.min(s.length, maxDet);
          for (int j = 0; j < c; j++) {
            scores[n] = s[j];
            owner[n] = i;
            pos[n] = j;
            n++;
          }
        }
        int[] inds = new int[total];
        for (int i = 0; i < total; i++) {
          inds[i] = i;
        }
        IndexSort.byScoreDescending(inds, 0, total, scores, new int[total]);
        for (int a = 0; a < A; a++) {
          int npig = 0;
          for (ImageResult r : e) {
            npig += r.nonIgnoredGts()[a];
          }
          if (npig == 0) {
            continue;
          }
          accumulateArea(e, inds, owner, pos, total, npig, a, k, m, acc, tp, fp);
        }
      }
    }
    return acc;
  }

  /**
   * The precision/recall curve of one category, area range and maxDets at every IoU threshold.
   *
   * <p>pycocotools computes {@code rc} and {@code pr} at every ranked detection, takes the suffix
   * maximum of {@code pr} (its "envelope" loop), and reads it at the first rank where {@code rc >=}
   * each recall threshold. Recall only rises at a true positive, and precision after a false
   * positive or an ignored detection is at most the precision at the true positive before it; so
   * the first rank that reaches a recall is a true positive, and the suffix maximum from there is
   * the maximum over the true positives from there. Computing {@code pr} and {@code rc} only at
   * true positives, with the same expressions, gives the same doubles with far fewer divisions.
   */
  private static void accumulateArea(
      ImageResult[] e,
      int[] inds,
      int[] owner,
      int[] pos,
      int total,
      int npig,
      int a,
      int k,
      int m,
      Accumulated acc,
      int[] tp,
      int[] fp) {
    // precision at the j-th true positive (0-based) of threshold t: prAtTp[t * npig + j]
    double[] prAtTp = new double[T * Math.min(npig, total)];
    int stride = Math.min(npig, total);
    Arrays.fill(tp, 0);
    Arrays.fill(fp, 0);
    for (int i = 0; i < total; i++) {
      int s = inds[i];
      byte[] st = e[owner[s]].status()[a];
      int base = pos[s] * T;
      for (int t = 0; t < T; t++) {
        byte v = st[base + t];
        if (v == TRUE_POSITIVE) {
          double tpd = ++tp[t];
          prAtTp[t * stride + tp[t] - 1] = tpd / ((double) fp[t] + tpd + Math.ulp(1.0));
        } else if (v == FALSE_POSITIVE) {
          fp[t]++;
        }
      }
    }
    double[] precision = acc.precision();
    for (int t = 0; t < T; t++) {
      int nTp = tp[t];
      int row = t * stride;
      acc.recall()[acc.r(t, k, a, m)] = total > 0 ? (double) nTp / npig : 0;
      for (int j = nTp - 1; j > 0; j--) { // the envelope: suffix maximum
        if (prAtTp[row + j] > prAtTp[row + j - 1]) {
          prAtTp[row + j - 1] = prAtTp[row + j];
        }
      }
      // np.searchsorted(rc, recThrs, side='left') with rc = (j + 1) / npig at the j-th tp;
      // a threshold no rank reaches reads 0
      int j = 0;
      for (int ri = 0; ri < R; ri++) {
        double thr = RECALL_THRESHOLDS[ri];
        while (j < nTp && (double) (j + 1) / npig < thr) {
          j++;
        }
        precision[acc.p(t, ri, k, a, m)] = j < nTp ? prAtTp[row + j] : 0;
      }
    }
  }

  private static CocoMetrics summarize(Accumulated acc, CocoGroundTruth gt, long[] catIds) {
    double[] stats = new double[12];
    stats[0] = summarizeAp(acc, -1, 0, 2);
    stats[1] = summarizeAp(acc, 0.5, 0, 2);
    stats[2] = summarizeAp(acc, 0.75, 0, 2);
    stats[3] = summarizeAp(acc, -1, 1, 2);
    stats[4] = summarizeAp(acc, -1, 2, 2);
    stats[5] = summarizeAp(acc, -1, 3, 2);
    stats[6] = summarizeAr(acc, 0, 0);
    stats[7] = summarizeAr(acc, 0, 1);
    stats[8] = summarizeAr(acc, 0, 2);
    stats[9] = summarizeAr(acc, 1, 2);
    stats[10] = summarizeAr(acc, 2, 2);
    stats[11] = summarizeAr(acc, 3, 2);

    List<CocoMetrics.CategoryAp> perCategory = new ArrayList<>(catIds.length);
    double[] buf = new double[T * R];
    for (int k = 0; k < catIds.length; k++) {
      int n = 0;
      for (int t = 0; t < T; t++) {
        for (int r = 0; r < R; r++) {
          double v = acc.precision()[acc.p(t, r, k, 0, 2)];
          if (v > -1) {
            buf[n++] = v;
          }
        }
      }
      long id = catIds[k];
      String name =
          gt.categories().stream()
              .filter(c -> c.id() == id)
              .map(CocoCategory::name)
              .findFirst()
              .orElse(String.valueOf(id));
      perCategory.add(new CocoMetrics.CategoryAp(id, name, n == 0 ? -1 : NumpyMath.mean(buf, n)));
    }
    return CocoMetrics.of(stats, perCategory);
  }

  /** The IoU threshold indices selected by {@code np.where(iouThr == p.iouThrs)}, or all. */
  private static int[] thresholdIndices(double iouThr) {
    if (iouThr < 0) {
      int[] all = new int[T];
      for (int t = 0; t < T; t++) {
        all[t] = t;
      }
      return all;
    }
    return java.util.stream.IntStream.range(0, T)
        .filter(t -> IOU_THRESHOLDS[t] == iouThr)
        .toArray();
  }

  private static double summarizeAp(Accumulated acc, double iouThr, int a, int m) {
    int[] ts = thresholdIndices(iouThr);
    double[] buf = new double[ts.length * R * acc.k()];
    int n = 0;
    for (int t : ts) {
      for (int r = 0; r < R; r++) {
        for (int k = 0; k < acc.k(); k++) {
          double v = acc.precision()[acc.p(t, r, k, a, m)];
          if (v > -1) {
            buf[n++] = v;
          }
        }
      }
    }
    return n == 0 ? -1 : NumpyMath.mean(buf, n);
  }

  private static double summarizeAr(Accumulated acc, int a, int m) {
    double[] buf = new double[T * acc.k()];
    int n = 0;
    for (int t = 0; t < T; t++) {
      for (int k = 0; k < acc.k(); k++) {
        double v = acc.recall()[acc.r(t, k, a, m)];
        if (v > -1) {
          buf[n++] = v;
        }
      }
    }
    return n == 0 ? -1 : NumpyMath.mean(buf, n);
  }
}
