package dev.kiln.steps.evaluate;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * The twelve numbers of pycocotools' {@code COCOeval.summarize()} for bounding boxes, in its order
 * ({@code stats[0..11]}), plus AP per category. {@code -1} means undefined (no ground truth in that
 * setting), exactly as pycocotools reports it.
 *
 * @param ap AP @[IoU=0.50:0.95, area=all, maxDets=100]
 * @param ap50 AP @[IoU=0.50]
 * @param ap75 AP @[IoU=0.75]
 * @param apSmall AP for area &lt;= 32²
 * @param apMedium AP for 32² &lt;= area &lt;= 96²
 * @param apLarge AP for area &gt;= 96²
 * @param ar1 AR with 1 detection per image
 * @param ar10 AR with 10 detections per image
 * @param ar100 AR with 100 detections per image
 * @param arSmall AR, small objects
 * @param arMedium AR, medium objects
 * @param arLarge AR, large objects
 * @param perCategory AP @[IoU=0.50:0.95, area=all, maxDets=100] of each ground-truth category, by
 *     ascending id
 */
public record CocoMetrics(
    double ap,
    double ap50,
    double ap75,
    double apSmall,
    double apMedium,
    double apLarge,
    double ar1,
    double ar10,
    double ar100,
    double arSmall,
    double arMedium,
    double arLarge,
    List<CategoryAp> perCategory) {

  /** Names of the twelve numbers in JSON output and metadata, in pycocotools' order. */
  public static final List<String> NAMES =
      List.of(
          "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");

  private static final JsonFactory JSON = new JsonFactory();

  public CocoMetrics {
    perCategory = List.copyOf(perCategory);
  }

  /** One category's AP; {@code -1} when the category has no ground truth. */
  public record CategoryAp(long categoryId, String name, double ap) {
    public CategoryAp {
      requireNonNull(name, "name");
    }
  }

  static CocoMetrics of(double[] s, List<CategoryAp> perCategory) {
    checkArgument(s.length == 12, "expected 12 stats, got %s", s.length);
    return new CocoMetrics(
        s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], perCategory);
  }

  /** {@code COCOeval.stats}: the twelve numbers in pycocotools' order. */
  public double[] stats() {
    return new double[] {
      ap, ap50, ap75, apSmall, apMedium, apLarge, ar1, ar10, ar100, arSmall, arMedium, arLarge
    };
  }

  /**
   * The twelve lines {@code summarize()} prints, character for character, e.g. {@code " Average
   * Precision (AP) @[ IoU=0.50:0.95 | area= all | maxDets=100 ] = 0.372"}.
   */
  public List<String> summaryLines() {
    double[] s = stats();
    return List.of(
        line(true, null, "all", 100, s[0]),
        line(true, "0.50", "all", 100, s[1]),
        line(true, "0.75", "all", 100, s[2]),
        line(true, null, "small", 100, s[3]),
        line(true, null, "medium", 100, s[4]),
        line(true, null, "large", 100, s[5]),
        line(false, null, "all", 1, s[6]),
        line(false, null, "all", 10, s[7]),
        line(false, null, "all", 100, s[8]),
        line(false, null, "small", 100, s[9]),
        line(false, null, "medium", 100, s[10]),
        line(false, null, "large", 100, s[11]));
  }

  /** {@link #summaryLines()} joined, each line ending with a newline. */
  public String summaryText() {
    StringBuilder b = new StringBuilder();
    for (String l : summaryLines()) {
      b.append(l).append('\n');
    }
    return b.toString();
  }

  // ' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'
  private static String line(boolean ap, String iou, String area, int maxDets, double value) {
    return String.format(
        Locale.ROOT,
        " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s",
        ap ? "Average Precision" : "Average Recall",
        ap ? "(AP)" : "(AR)",
        iou == null ? "0.50:0.95" : iou,
        area,
        maxDets,
        format3(value));
  }

  /** Python's {@code '{:0.3f}'}: the exact binary value rounded half-to-even. */
  static String format3(double v) {
    return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * A JSON object with the twelve numbers under {@link #NAMES} and {@code "per_category"}: a list
   * of {@code {"category_id", "name", "AP"}}. Numbers are written in full double precision; one
   * line, so that it is also a valid Kiln/Valohai metadata line.
   */
  public String toJson() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      double[] s = stats();
      for (int i = 0; i < s.length; i++) {
        g.writeNumberField(NAMES.get(i), s[i]);
      }
      g.writeArrayFieldStart("per_category");
      for (CategoryAp c : perCategory) {
        g.writeStartObject();
        g.writeNumberField("category_id", c.categoryId());
        g.writeStringField("name", c.name());
        g.writeNumberField("AP", c.ap());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
