package dev.kiln.compat.valohai.yaml;

import dev.kiln.compat.valohai.ValohaiYaml;
import java.nio.file.*;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void dump() throws Exception {
    Path dir = Path.of(System.getProperty("kiln.corpus.dir")).normalize();
    try (var s = Files.walk(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        var r = ValohaiYaml.read(dir.relativize(f).getFileName());
        var r2 = ValohaiYaml.read(f);
        System.out.println("=== " + dir.relativize(f));
        r2.diagnostics().forEach(d -> System.out.println("  " + d.toString().replace(dir.toString() + "/", "")));
      }
    }
  }
}
