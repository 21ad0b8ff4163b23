package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Committed malformed annotation files under {@code labels/invalid/}, each with the exact located
 * message a user sees in {@code <file>.expected}.
 */
class InvalidFixturesTest {

  static Path invalidDir() throws URISyntaxException {
    return Path.of(InvalidFixturesTest.class.getResource("/labels/invalid").toURI());
  }

  static Stream<String> fixtures() throws IOException, URISyntaxException {
    try (Stream<Path> s = Files.list(invalidDir())) {
      return s
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".expected"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void malformedFileGivesTheExpectedLocatedMessage(String name) throws Exception {
    Path dir = invalidDir();
    Path file = dir.resolve(name);
    Path expectedFile = dir.resolve(name + ".expected");
    String actual = message(dir, file);
    if (!Files.exists(expectedFile)) {
      fail("no " + expectedFile.getFileName() + "; the message is:\n" + actual);
    }
    assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8).strip());
  }

  /** The message a user gets for a malformed file, whether thrown or recorded as a rejection. */
  private static String message(Path dir, Path file) throws IOException {
    String name = file.getFileName().toString();
    List<Rejection> rejections = new ArrayList<>();
    try {
      if (name.endsWith(".coco.json")) {
        rejections.addAll(CocoReader.parse(file, dir).rejections());
      } else if (name.endsWith(".json")) {
        SageMakerJsonReader.parse(file, dir, rejections);
      } else if (name.endsWith(".xml")) {
        VocReader.parse(file, dir, Map.of(), rejections);
      } else if (name.endsWith(".txt")) {
        YoloReader.parseLabels(Files.readAllLines(file), name, List.of("cat", "dog"), 100, 100);
      } else if (name.endsWith(".manifest")) {
        rejections.addAll(new SageMakerManifestReader().read(file).rejections());
      } else if (name.endsWith(".csv")) {
        rejections.addAll(new CsvReader().read(file).rejections());
      } else {
        throw new IllegalStateException("no reader for fixture " + name);
      }
    } catch (LabelFormatException e) {
      return e.getMessage();
    }
    assertThat(rejections).as("rejections for " + name).hasSize(1);
    assertThat(rejections.get(0).reason()).isEqualTo(RejectReason.MALFORMED_ANNOTATION);
    return rejections.get(0).detail();
  }
}
