package dev.kiln.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalConsoleTest {
  final StringWriter text = new StringWriter();
  final AtomicLong now = new AtomicLong(1_000_000_000L);

  TerminalConsole console(boolean verbose, boolean live) {
    return new TerminalConsole(new PrintWriter(text), verbose, live, now::get);
  }

  static final String NOISE_1 =
      "WARN CudaUtils - Failed to detect GPU count: CUDA driver version is insufficient (35)";
  static final String NOISE_2 =
      "[W1204 13:19:52.917808069 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is"
          + " deprecated";
  static final String NOISE_3 = "[W NNPACK.cpp:61] Could not initialize NNPACK! Reason: Unsupported";

  @Test
  void nativeNoiseAndMetricLinesAreNotEchoedButPlainLinesAre() {
    TerminalConsole c = console(false, false);
    c.status("train: started (djl, cpu)");
    c.stepLine("train", true, NOISE_1);
    c.stepLine("train", true, NOISE_2);
    c.stepLine("train", true, NOISE_3);
    c.stepLine("train", false, "{\"step\": 10, \"total_steps\": 100, \"loss\": 2.5}");
    c.stepLine("train", false, "loading 40 images");
    String out = text.toString();
    assertThat(out).doesNotContain("CudaUtils", "NNPACK", "LegacyTypeDispatch", "\"loss\"");
    assertThat(out).contains("kiln: train: started", "[train] loading 40 images");
    // The first metric line of a node is summarised at once, later ones at most every 15 s.
    assertThat(out).contains("[train] step 10/100  loss 2.5");
  }

  @Test
  void progressCarriesStepTotalLossTheLastEvalMetricAndAnEta() {
    TerminalConsole c = console(false, false);
    c.status("train: started (djl, cpu)");
    c.stepLine("train", false, "{\"step\": 10, \"total_steps\": 110, \"loss\": 2.5}");
    now.addAndGet(20_000_000_000L);
    c.stepLine("train", false, "{\"step\": 20, \"AP50\": 0.25, \"AP\": 0.125}");
    now.addAndGet(16_000_000_000L); // 20 steps in 36 s: 80 more take 144 s
    c.stepLine("train", false, "{\"step\": 30, \"total_steps\": 110, \"loss\": 1.5}");
    String out = text.toString();
    assertThat(out).contains("[train] step 30/110  loss 1.5  AP 0.125  ETA 2m24s");
    c.status("train: succeeded in 40.0s (3 output files)");
    assertThat(text.toString()).endsWith("kiln: train: succeeded in 40.0s (3 output files)\n");
  }

  @Test
  void verbosePrintsEverything() {
    TerminalConsole c = console(true, true);
    c.stepLine("train", true, NOISE_1);
    c.stepLine("train", false, "{\"step\": 10, \"loss\": 2.5}");
    assertThat(text.toString())
        .contains("[train] " + NOISE_1)
        .contains("[train] {\"step\": 10, \"loss\": 2.5}")
        .doesNotContain("\033[");
  }

  @Test
  void onATerminalEachNodeIsOneLiveLineWithABar() {
    TerminalConsole c = console(false, true);
    c.status("convert: started (beam, cpu)");
    c.status("train: started (djl, cpu)");
    c.stepLine("train", false, "{\"step\": 50, \"total_steps\": 100, \"loss\": 0.75}");
    c.status("convert: succeeded in 3.0s (4 output files)");
    String out = text.toString();
    // The block is erased (cursor up, clear) and drawn again below each new status line.
    assertThat(out).contains("\033[2F\033[J");
    String lastBlock = out.substring(out.lastIndexOf("kiln: convert: succeeded"));
    assertThat(lastBlock)
        .contains("convert  succeeded")
        .contains("train    running   [##########..........] step 50/100  loss 0.75");
  }
}
