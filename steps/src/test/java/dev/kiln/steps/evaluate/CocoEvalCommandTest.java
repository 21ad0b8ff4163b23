package dev.kiln.steps.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln eval coco} end to end on the committed fixtures, and the summary text format. */
class CocoEvalCommandTest {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsPycocotoolsSummaryLinesCharacterForCharacter() {
    Path dir = CocoEvaluatorOracleTest.fixture("crowd");
    int code = CocoEvalCommand.run(dir.resolve("gt.json"), dir.resolve("dt.json"), false, out, err);
    assertThat(code).isEqualTo(CocoEvalCommand.OK);
    assertThat(err()).isEmpty();
    // Printed by pycocotools' own format string from the oracle's numbers (see expected.json).
    assertThat(out())
        .startsWith(
            String.join(
                "\n",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.633",
                " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.723",
                " Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.723",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.700",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 1.000",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.900",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.300",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 0.867",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.867",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.700",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 1.000",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.900",
                "",
                " category_id  name                      AP",
                "           1  person                    0.633",
                ""));
  }

  @Test
  void jsonModePrintsOneParsableLineWithFullPrecision() throws IOException {
    Path dir = CocoEvaluatorOracleTest.fixture("mixed");
    int code = CocoEvalCommand.run(dir.resolve("gt.json"), dir.resolve("dt.json"), true, out, err);
    assertThat(code).isZero();
    assertThat(out().strip()).doesNotContain("\n");
    JsonNode printed = new ObjectMapper().readTree(out());
    JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    for (String name : CocoMetrics.NAMES) {
      assertThat(printed.get(name).asDouble())
          .as(name)
          .isCloseTo(expected.get("stats").get(name).asDouble(), within(1e-9));
    }
    assertThat(printed.get("per_category")).hasSize(4);
    assertThat(printed.get("per_category").get(3).get("name").asText()).isEqualTo("unused");
    assertThat(printed.get("per_category").get(3).get("AP").asDouble()).isEqualTo(-1);
  }

  @Test
  void inputErrorsAreOneLineAndExitOne(@TempDir Path tmp) throws IOException {
    Path gt = CocoEvaluatorOracleTest.fixture("crowd").resolve("gt.json");
    Path bad = Files.writeString(tmp.resolve("dt.json"), "[{\"image_id\": 1}]\n");
    int code = CocoEvalCommand.run(gt, bad, false, out, err);
    assertThat(code).isEqualTo(CocoEvalCommand.INPUT_ERROR);
    assertThat(out()).isEmpty();
    assertThat(err())
        .isEqualTo(
            "error: "
                + bad
                + ":1:2: [0]: missing \"category_id\" (a bbox result needs image_id, category_id,"
                + " bbox, score)"
                + System.lineSeparator());
  }

  @Test
  void groundTruthWarningsGoToErr(@TempDir Path tmp) throws IOException {
    Path gt =
        Files.writeString(
            tmp.resolve("gt.json"),
            "{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1, \"name\": \"a\"}],"
                + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 2,"
                + " \"bbox\": [0, 0, 1, 1], \"area\": 1}]}");
    Path dt = Files.writeString(tmp.resolve("dt.json"), "[]");
    assertThat(CocoEvalCommand.run(gt, dt, true, out)).isZero();
    assertThat(out())
        .startsWith(
            "warning: "
                + gt
                + ": 1 annotation(s) refer to a category id that is not in \"categories\"; they"
                + " are not evaluated (as in pycocotools)");
  }

  @Test
  void threeDecimalsRoundLikePython() {
    // Python's '{:0.3f}' rounds the exact binary value half-to-even; Java's %.3f would print
    // 0.063 and 0.124 for the first two.
    assertThat(
            List.of(0.0625, 0.1235, 0.0005, 0.9995, -1.0, 0.9999999999999998).stream()
                .map(CocoMetrics::format3))
        .containsExactly("0.062", "0.123", "0.001", "1.000", "-1.000", "1.000");
  }
}
