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
        var r2 = ValohaiYaml.read(f);
        System.out.println("=== " + dir.relativize(f) + " project=" + r2.project().isPresent());
        r2.diagnostics().forEach(d -> System.out.println("  " + d.toString().replace(dir.toString() + "/", "")));
        if (r2.project().isPresent()) {
          String text = ValohaiYaml.write(r2.project().get(), r2.deployments());
          var r3 = ValohaiYaml.parse(Path.of("rt.yaml"), text);
          boolean eq = r3.project().isPresent() && r3.project().get().equals(r2.project().get());
          System.out.println("  ROUNDTRIP " + eq);
          if (!eq) { System.out.println(text); r3.diagnostics().forEach(d -> System.out.println("   rt " + d)); 
            if (r3.project().isPresent()) { System.out.println(r2.project().get()); System.out.println(r3.project().get()); } }
        }
      }
    }
  }
}
