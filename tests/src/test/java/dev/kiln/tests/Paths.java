package dev.kiln.tests;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout and the shared corpus are; set by the module's pom. */
final class Paths {
  private Paths() {}

  static Path repo() {
    return dir("kiln.repo.dir");
  }

  static Path corpus() {
    return dir("kiln.corpus.dir");
  }

  private static Path dir(String property) {
    String v = System.getProperty(property);
    if (v == null) {
      fail("system property " + property + " is not set; run the tests through Maven");
    }
    Path p = Path.of(v).toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      fail(property + " = " + p + " is not a folder (the corpus lives in ../shared beside the"
          + " checkout; pass -D" + property + "=PATH)");
    }
    return p;
  }
}
