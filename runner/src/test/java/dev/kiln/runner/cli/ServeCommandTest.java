package dev.kiln.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code kiln serve} refuses bad options with one line, before it opens the store. */
class ServeCommandTest {
  @Test
  void aPortOutOfRangeIsOneLineAndExitCode2() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"serve", "--port", "70000"}, new PrintWriter(out), new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("kiln: --port must be 0..65535, got 70000");
  }

  @Test
  void aBadWatchIsOneLineAndNeverShowsCredentials() {
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"serve", "--watch", "https://ada:s3cret@example.com/app.git"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("kiln: --watch https://example.com/app.git: expected PIPELINE=REPO[#BRANCH]");
  }

  @Test
  void aBadAllowedHostIsOneLineAndExitCode2() {
    StringWriter err = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"serve", "--allowed-host", "kiln.example.org", "--allowed-host", "http://x/"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "kiln: --allowed-host: an allowed host is a bare name or address such as"
                + " kiln.example.org, got 'http://x/'");
  }

  @Test
  void theHelpNamesTheDefaults() {
    StringWriter out = new StringWriter();
    int code =
        KilnCli.execute(
            new String[] {"serve", "--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertThat(code).isZero();
    // Whitespace folded: picocli re-wraps the descriptions when an option is added.
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("--port=<port>")
        .contains("(default 8080)")
        .contains("(default 127.0.0.1: this machine")
        .contains("--token=<token>")
        .contains("X-Kiln-Token")
        .contains("--allowed-host=NAME");
  }
}
