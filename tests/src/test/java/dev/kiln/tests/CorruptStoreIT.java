package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged embedded database is named, with what to do, not dumped as a stack trace. */
class CorruptStoreIT {
  @TempDir Path dir;

  @Test
  void aCorruptH2FileIsAClearError() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("db"));
    byte[] garbage = new byte[64 * 1024];
    new java.util.Random(1).nextBytes(garbage);
    Files.write(home.resolve("db/kiln.mv.db"), garbage);
    Process p =
        KilnProcess.start(dir, Map.of("KILN_HOME", home.toString()), dir.resolve("out.txt"),
            "show", "some-run");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("out.txt"));
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("kiln.mv.db").doesNotContain("\tat ");
  }
}
