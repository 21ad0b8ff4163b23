package dev.kiln.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.runner.orchestrator.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person sees of a run, on standard error (standard output carries only the run id).
 *
 * <p>By default it is compact: Kiln's status lines ({@code kiln: train: started}); a step's plain
 * lines with its node's name ({@code [train] ...}); JSON metric lines are not echoed but folded
 * into one progress summary per node (step, total, loss, the last eval metric, an ETA); native
 * warnings that say nothing to the user (DJL's GPU probe on a machine without one, NNPACK,
 * LegacyTypeDispatch) are not shown. Everything is still in the store ({@code kiln show}, the
 * viewer). On a terminal the summaries are a live block, one line per node, redrawn in place with
 * ANSI escapes (no terminal library is needed for that much); elsewhere (a file, CI) a node's
 * progress is printed as a line at most every {@link #PROGRESS_EVERY_NANOS}. {@code --verbose}
 * prints every line as the step wrote it.
 */
final class TerminalConsole implements Console {
  static final long PROGRESS_EVERY_NANOS = 15_000_000_000L;
  private static final long REDRAW_EVERY_NANOS = 200_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Native noise: kept in the logs, not on the console. */
  static final List<Pattern> NOISE =
      List.of(
          Pattern.compile("WARN CudaUtils - Failed to detect GPU count"),
          Pattern.compile("NNPACK"),
          Pattern.compile("LegacyTypeDispatch"),
          Pattern.compile("AutoNonVariableTypeMode is deprecated"),
          Pattern.compile("^SLF4J\\((W|I)\\)|^SLF4J: "));

  private static final Pattern STATE =
      Pattern.compile(
          "^(\\S+): (started|succeeded|failed|skipped|reused|stopped|attempt \\d+ failed"
              + "|killed)\\b.*");

  private final PrintWriter err;
  private final boolean verbose;
  private final boolean live;
  private final LongSupplier clock;
  private final Map<String, NodeView> nodes = new LinkedHashMap<>();
  private int drawnLines;
  private long lastRedraw;

  TerminalConsole(PrintWriter err) {
    this(err, false);
  }

  TerminalConsole(PrintWriter err, boolean verbose) {
    this(err, verbose, System.console() != null && !"dumb".equals(System.getenv("TERM")),
        System::nanoTime);
  }

  TerminalConsole(
      PrintWriter err, boolean verbose, boolean live, LongSupplier clock) {
    this.err = err;
    this.verbose = verbose;
    this.live = live && !verbose;
    this.clock = clock;
  }

  @Override
  public synchronized void stepLine(String node, boolean stderr, String text) {
    if (verbose) {
      err.println("[" + node + "] " + text);
      err.flush();
      return;
    }
    if (isNoise(text)) {
      return;
    }
    JsonNode metrics = metricsOf(text);
    if (metrics != null) {
      NodeView v = view(node);
      v.update(metrics, clock.getAsLong());
      if (live) {
        redraw(false);
      } else if (clock.getAsLong() - v.lastPrinted >= PROGRESS_EVERY_NANOS) {
        v.lastPrinted = clock.getAsLong();
        err.println("[" + node + "] " + v.summary());
        err.flush();
      }
      return;
    }
    print("[" + node + "] " + text);
  }

  @Override
  public synchronized void status(String text) {
    Matcher m = STATE.matcher(text);
    if (m.matches()) {
      NodeView v = view(m.group(1));
      String state = m.group(2);
      v.state =
          state.startsWith("attempt") ? "retrying" : state.toLowerCase(Locale.ROOT);
      if (v.state.equals("started")) {
        v.state = "running";
        v.startedAt = clock.getAsLong();
      }
      if (!live && !v.state.equals("running") && v.hasProgress() && !verbose) {
        // The last progress of a node that ended, so a log file has it.
        print("[" + m.group(1) + "] " + v.summary());
      }
    }
    print("kiln: " + text);
  }

  static boolean isNoise(String text) {
    for (Pattern p : NOISE) {
      if (p.matcher(text).find()) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode metricsOf(String text) {
    String t = text.strip();
    if (!t.startsWith("{") || !t.endsWith("}")) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(t);
      return n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private NodeView view(String node) {
    return nodes.computeIfAbsent(node, NodeView::new);
  }

  private void print(String line) {
    if (live) {
      erase();
      err.println(line);
      redraw(true);
    } else {
      err.println(line);
    }
    err.flush();
  }

  private void erase() {
    if (drawnLines > 0) {
      err.print("\033[" + drawnLines + "F\033[J");
      drawnLines = 0;
    }
  }

  private void redraw(boolean force) {
    long now = clock.getAsLong();
    if (!force && now - lastRedraw < REDRAW_EVERY_NANOS) {
      return;
    }
    lastRedraw = now;
    erase();
    int width = nodes.keySet().stream().mapToInt(String::length).max().orElse(4);
    for (NodeView v : nodes.values()) {
      err.println(v.line(width, now));
      drawnLines++;
    }
    err.flush();
  }

  /** One node as the console shows it. */
  static final class NodeView {
    final String name;
    String state = "queued";
    long startedAt;
    long lastPrinted = Long.MIN_VALUE / 2;
    Long step;
    Long total;
    Double loss;
    String evalName;
    Double evalValue;
    long firstStepAt;
    long firstStep = -1;
    long lastStepAt;

    NodeView(String name) {
      this.name = name;
    }

    boolean hasProgress() {
      return step != null || loss != null || evalValue != null;
    }

    void update(JsonNode m, long now) {
      if (m.path("step").isIntegralNumber()) {
        step = m.path("step").asLong();
        if (firstStep < 0) {
          firstStep = step;
          firstStepAt = now;
        }
        lastStepAt = now;
      }
      for (String t : List.of("total_steps", "max_steps", "num_steps")) {
        if (m.path(t).isIntegralNumber()) {
          total = m.path(t).asLong();
        }
      }
      if (m.path("loss").isNumber()) {
        loss = m.path("loss").asDouble();
      }
      for (String e : List.of("AP", "AP50", "accuracy", "f1", "mIoU", "val_accuracy", "ap")) {
        if (m.path(e).isNumber()) {
          evalName = e;
          evalValue = m.path(e).asDouble();
          break;
        }
      }
    }

    String summary() {
      StringBuilder sb = new StringBuilder();
      if (step != null) {
        sb.append("step ").append(step);
        if (total != null) {
          sb.append('/').append(total);
        }
      }
      if (loss != null) {
        sb.append(sb.length() > 0 ? "  " : "").append("loss " + num(loss));
      }
      if (evalValue != null) {
        sb.append(sb.length() > 0 ? "  " : "")
            .append(evalName).append(' ').append(num(evalValue));
      }
      eta().ifPresent(e -> sb.append("  ETA ").append(e));
      return sb.toString();
    }

    static String num(double v) {
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        return Double.toString(v);
      }
      return new BigDecimal(v)
          .round(new MathContext(4))
          .stripTrailingZeros()
          .toPlainString();
    }

    Optional<String> eta() {
      if (step == null || total == null || firstStep < 0 || step <= firstStep || step >= total) {
        return Optional.empty();
      }
      double perStep = (double) (lastStepAt - firstStepAt) / (step - firstStep);
      long secs = Math.round(perStep * (total - step) / 1e9);
      return Optional.of(
          secs >= 3600
              ? String.format(Locale.ROOT, "%dh%02dm", secs / 3600, secs % 3600 / 60)
              : String.format(Locale.ROOT, "%dm%02ds", secs / 60, secs % 60));
    }

    String line(int width, long now) {
      StringBuilder sb = new StringBuilder("  ");
      sb.append(String.format(Locale.ROOT, "%-" + width + "s  %-9s", name, state));
      if (step != null && total != null && total > 0) {
        int filled = (int) Math.min(20, step * 20 / total);
        sb.append(" [").append("#".repeat(filled)).append(".".repeat(20 - filled)).append(']');
      } else if (state.equals("running")) {
        sb.append(String.format(Locale.ROOT, " %5.0fs", (now - startedAt) / 1e9));
      }
      String s = summary();
      if (!s.isEmpty()) {
        sb.append(' ').append(s);
      }
      return sb.toString();
    }
  }
}
