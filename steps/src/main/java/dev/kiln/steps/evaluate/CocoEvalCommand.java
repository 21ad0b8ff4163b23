package dev.kiln.steps.evaluate;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code kiln eval coco --gt GT.json --dt DT.json [--json]} does, kept here so the CLI wiring
 * is one line: {@code return CocoEvalCommand.run(gt, dt, json, System.out, System.err);}.
 */
public final class CocoEvalCommand {
  /** Metrics printed. */
  public static final int OK = 0;

  /** A file is missing, unreadable, malformed, or the results do not match the ground truth. */
  public static final int INPUT_ERROR = 1;

  private CocoEvalCommand() {}

  /**
   * Reads both files, evaluates, and prints either pycocotools' twelve summary lines followed by a
   * per-category AP table, or (with {@code json}) one JSON object ({@link CocoMetrics#toJson()}).
   * Input problems are printed to {@code err} as one located line each, never as a stack trace;
   * ground-truth warnings go to {@code err} too, prefixed with {@code warning:}.
   *
   * @return {@link #OK} or {@link #INPUT_ERROR}
   */
  public static int run(Path gtFile, Path dtFile, boolean json, PrintStream out, PrintStream err) {
    requireNonNull(gtFile, "gtFile");
    requireNonNull(dtFile, "dtFile");
    requireNonNull(out, "out");
    requireNonNull(err, "err");
    CocoMetrics metrics;
    try {
      CocoGroundTruth gt = CocoGroundTruth.read(gtFile);
      for (String w : gt.warnings()) {
        err.println("warning: " + gtFile + ": " + w);
      }
      CocoDetections dts = CocoDetections.read(dtFile);
      metrics = CocoEvaluator.evaluate(gt, dts);
    } catch (EvaluationInputException e) {
      err.println("error: " + e.getMessage());
      return INPUT_ERROR;
    }
    if (json) {
      out.println(metrics.toJson());
    } else {
      out.print(metrics.summaryText());
      out.println();
      out.println(String.format(Locale.ROOT, "%12s  %-24s  %s", "category_id", "name", "AP"));
      for (CocoMetrics.CategoryAp c : metrics.perCategory()) {
        out.println(
            String.format(
                Locale.ROOT,
                "%12d  %-24s  %s",
                c.categoryId(),
                c.name(),
                CocoMetrics.format3(c.ap())));
      }
    }
    out.flush();
    return OK;
  }

  /** As {@link #run(Path, Path, boolean, PrintStream, PrintStream)} with errors to {@code out}. */
  public static int run(Path gtFile, Path dtFile, boolean json, PrintStream out) {
    return run(gtFile, dtFile, json, out, out);
  }
}
