package dev.kiln.compat.valohai.yaml;

import java.nio.file.*;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void dump() throws Exception {
    Path dir = Path.of(System.getProperty("kiln.corpus.dir"));
    try (var s = Files.walk(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        var r = LocatedYamlReader.read(f);
        System.out.println(dir.relativize(f) + " root=" + r.root().map(Object::toString).orElse("-") + " " + r.diagnostics());
      }
    }
  }
}
