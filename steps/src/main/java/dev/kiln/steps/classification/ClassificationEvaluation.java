package dev.kiln.steps.classification;

import dev.kiln.steps.evaluate.ClassificationMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores predictions: accuracy and macro precision, recall and F1 as scikit-learn computes them
 * ({@link ClassificationMetrics}, standard definitions: precision = correct / predicted as the
 * class), per-class values, and the confusion matrix (rows true, columns predicted).
 */
public record ClassificationEvaluation(
    ClassificationMetrics metrics, List<String> classes, int[][] confusion) {

  public static ClassificationEvaluation of(
      List<String> actual, List<String> predicted, List<String> classes) {
    ClassificationMetrics m = ClassificationMetrics.compute(actual, predicted, classes);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      index.put(classes.get(i), i);
    }
    int[][] cm = new int[classes.size()][classes.size()];
    for (int i = 0; i < actual.size(); i++) {
      cm[index.get(actual.get(i))][index.get(predicted.get(i))]++;
    }
    return new ClassificationEvaluation(m, List.copyOf(classes), cm);
  }

  /** The four headline numbers under {@code prefix} ("" or "eval_"), rounded to 6 places. */
  public Map<String, Object> headline(String prefix) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(prefix + "accuracy", round(metrics.accuracy()));
    out.put(prefix + "precision", round(metrics.macroPrecision()));
    out.put(prefix + "recall", round(metrics.macroRecall()));
    out.put(prefix + "f1", round(metrics.macroF1()));
    return out;
  }

  /** Per class: precision, recall, f1, support. */
  public Map<String, Object> perClass() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (ClassificationMetrics.ClassScore c : metrics.perClass()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("precision", round(c.precision()));
      v.put("recall", round(c.recall()));
      v.put("f1", round(c.f1()));
      v.put("support", c.support());
      out.put(c.label(), v);
    }
    return out;
  }

  /** The confusion matrix as CSV: a header of predicted labels, one row per true label. */
  public String confusionCsv() {
    StringBuilder b = new StringBuilder("true\\predicted");
    for (String c : classes) {
      b.append(',').append(csv(c));
    }
    b.append('\n');
    for (int i = 0; i < classes.size(); i++) {
      b.append(csv(classes.get(i)));
      for (int j = 0; j < classes.size(); j++) {
        b.append(',').append(confusion[i][j]);
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Writes {@code confusion_matrix.csv} into {@code dir}. */
  public void writeConfusion(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("confusion_matrix.csv"), confusionCsv());
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
