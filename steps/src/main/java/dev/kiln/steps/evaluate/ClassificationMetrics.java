package dev.kiln.steps.evaluate;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Accuracy and macro-averaged precision, recall and F1 of a single-label classifier (folder
 * datasets: one class per folder), with the same conventions as scikit-learn's {@code
 * precision_recall_fscore_support(average='macro', zero_division=0)}:
 *
 * <ul>
 *   <li>The classes are the union of the true and predicted labels (or the list given), so a class
 *       that is predicted but never true counts in the macro average, with recall 0.
 *   <li>A class that is never predicted has precision 0 (0/0 is taken as 0, not undefined); a class
 *       that never occurs has recall 0; F1 = 2·tp / (2·tp + fp + fn), 0 when that is 0/0.
 *   <li>Macro F1 is the mean of the per-class F1 scores, not the F1 of macro precision and recall.
 * </ul>
 *
 * @param accuracy correct predictions / all predictions
 * @param macroPrecision unweighted mean of per-class precision
 * @param macroRecall unweighted mean of per-class recall
 * @param macroF1 unweighted mean of per-class F1
 * @param perClass the per-class numbers, in the order of the class list
 */
public record ClassificationMetrics(
    double accuracy,
    double macroPrecision,
    double macroRecall,
    double macroF1,
    List<ClassScore> perClass) {

  private static final JsonFactory JSON = new JsonFactory();

  public ClassificationMetrics {
    perClass = List.copyOf(perClass);
  }

  /** One class: counts and scores. {@code support} is how many samples truly have the class. */
  public record ClassScore(
      String label,
      int truePositives,
      int falsePositives,
      int falseNegatives,
      int support,
      double precision,
      double recall,
      double f1) {
    public ClassScore {
      requireNonNull(label, "label");
    }
  }

  /**
   * Computes the metrics over the classes that occur in {@code actual} or {@code predicted}, in
   * sorted order.
   *
   * @param actual true label of each sample
   * @param predicted predicted label of each sample, same order and length
   */
  public static ClassificationMetrics compute(List<String> actual, List<String> predicted) {
    requireNonNull(actual, "actual");
    requireNonNull(predicted, "predicted");
    Set<String> labels = new TreeSet<>(actual);
    labels.addAll(predicted);
    return compute(actual, predicted, List.copyOf(labels));
  }

  /**
   * Computes the metrics over exactly {@code classes} (e.g. every folder of the dataset, so that a
   * class absent from the test split still counts, with all scores 0).
   *
   * @throws IllegalArgumentException when the lists differ in length, are empty, a class is listed
   *     twice, or a label is not in {@code classes}
   */
  public static ClassificationMetrics compute(
      List<String> actual, List<String> predicted, List<String> classes) {
    requireNonNull(actual, "actual");
    requireNonNull(predicted, "predicted");
    requireNonNull(classes, "classes");
    checkArgument(
        actual.size() == predicted.size(),
        "%s true labels but %s predictions",
        actual.size(),
        predicted.size());
    checkArgument(!actual.isEmpty(), "no samples to evaluate");
    checkArgument(!classes.isEmpty(), "no classes");
    checkArgument(
        new LinkedHashSet<>(classes).size() == classes.size(), "duplicate class in %s", classes);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      index.put(requireNonNull(classes.get(i), "class"), i);
    }
    int n = classes.size();
    int[] tp = new int[n];
    int[] fp = new int[n];
    int[] fn = new int[n];
    int correct = 0;
    for (int s = 0; s < actual.size(); s++) {
      String a = actual.get(s);
      String p = predicted.get(s);
      Integer ai = index.get(a);
      Integer pi = index.get(p);
      checkArgument(ai != null, "sample %s: true label \"%s\" is not a class of %s", s, a, classes);
      checkArgument(pi != null, "sample %s: predicted \"%s\" is not a class of %s", s, p, classes);
      if (ai.equals(pi)) {
        tp[ai]++;
        correct++;
      } else {
        fp[pi]++;
        fn[ai]++;
      }
    }
    List<ClassScore> scores = new ArrayList<>(n);
    double sumP = 0;
    double sumR = 0;
    double sumF = 0;
    for (int c = 0; c < n; c++) {
      double precision = ratio(tp[c], tp[c] + fp[c]);
      double recall = ratio(tp[c], tp[c] + fn[c]);
      double f1 = ratio(2.0 * tp[c], 2.0 * tp[c] + fp[c] + fn[c]);
      scores.add(
          new ClassScore(
              classes.get(c), tp[c], fp[c], fn[c], tp[c] + fn[c], precision, recall, f1));
      sumP += precision;
      sumR += recall;
      sumF += f1;
    }
    return new ClassificationMetrics(
        (double) correct / actual.size(), sumP / n, sumR / n, sumF / n, scores);
  }

  /** {@code num / den}, and 0 for 0/0 (scikit-learn's {@code zero_division=0}). */
  private static double ratio(double num, double den) {
    return den == 0 ? 0.0 : num / den;
  }

  /**
   * One-line JSON: {@code {"accuracy", "macro_precision", "macro_recall", "macro_f1", "per_class":
   * [{"label", "precision", "recall", "f1", "support"}]}}.
   */
  public String toJson() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeNumberField("accuracy", accuracy);
      g.writeNumberField("macro_precision", macroPrecision);
      g.writeNumberField("macro_recall", macroRecall);
      g.writeNumberField("macro_f1", macroF1);
      g.writeArrayFieldStart("per_class");
      for (ClassScore c : perClass) {
        g.writeStartObject();
        g.writeStringField("label", c.label());
        g.writeNumberField("precision", c.precision());
        g.writeNumberField("recall", c.recall());
        g.writeNumberField("f1", c.f1());
        g.writeNumberField("support", c.support());
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
