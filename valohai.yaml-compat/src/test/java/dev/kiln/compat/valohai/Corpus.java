package dev.kiln.compat.valohai;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared valohai.yaml corpus. Its folder comes from the system property {@code
 * kiln.corpus.dir}, which the module's pom sets to {@code shared/valohai-yaml-corpus} beside the
 * clone; a missing folder fails the tests (it never skips them).
 */
final class Corpus {
  private Corpus() {}

  static Path dir() {
    String prop = System.getProperty("kiln.corpus.dir");
    if (prop == null || prop.isBlank()) {
      fail("system property kiln.corpus.dir is not set; run the tests through Maven (the module"
          + " pom sets it to ${maven.multiModuleProjectDirectory}/../shared/valohai-yaml-corpus)");
    }
    Path dir = Path.of(prop).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir.resolve("spec-examples"))) {
      fail("the valohai.yaml corpus is missing: " + dir + " has no spec-examples/ folder; check out"
          + " shared/ beside the repository (CI does) or set -Dkiln.corpus.dir=PATH");
    }
    return dir;
  }

  static List<Path> files(String folder) {
    Path d = dir().resolve(folder);
    try (Stream<Path> s = Files.list(d)) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      if (files.isEmpty()) {
        fail("no .yaml files in " + d);
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> all() {
    try (Stream<Path> s = Files.walk(dir())) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String name(Path file) {
    return dir().relativize(file).toString();
  }
}
