package dev.kiln.runner.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.pipelines.KeepDirectories;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputResolverTest {
  @TempDir Path tmp;
  InputResolver resolver;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(tmp.resolve("data/a/b"));
    Files.writeString(tmp.resolve("data/one.jpg"), "1");
    Files.writeString(tmp.resolve("data/a/two.jpg"), "22");
    Files.writeString(tmp.resolve("data/a/b/three.txt"), "333");
    resolver =
        new InputResolver(
            tmp,
            tmp.resolve("cache"),
            uri ->
                uri.equals("datum://known")
                    ? Optional.of(
                        new ResolvedFile(
                            "model.bin", tmp.resolve("data/one.jpg"), uri, 1, "x",
                            Optional.of(uri), Optional.of("exec-1")))
                    : Optional.empty());
  }

  private List<String> paths(String uri, KeepDirectories keep) throws InputException {
    return resolver.resolve(uri, keep).stream().map(ResolvedFile::relativePath).toList();
  }

  @Test
  void localFilesFoldersAndGlobs() throws Exception {
    assertThat(paths("data/one.jpg", KeepDirectories.NONE)).containsExactly("one.jpg");
    assertThat(paths("data", KeepDirectories.SUFFIX))
        .containsExactly("a/b/three.txt", "a/two.jpg", "one.jpg");
    assertThat(paths("data/*.jpg", KeepDirectories.NONE)).containsExactly("one.jpg");
    assertThat(paths("data/**.jpg", KeepDirectories.SUFFIX)).containsExactly("a/two.jpg", "one.jpg");
    assertThat(paths("data/**", KeepDirectories.SUFFIX))
        .containsExactly("a/b/three.txt", "a/two.jpg", "one.jpg");
    assertThat(paths("file://" + tmp.resolve("data/a/two.jpg"), KeepDirectories.FULL))
        .containsExactly(tmp.resolve("data/a/two.jpg").toString().substring(1));
  }

  @Test
  void checksumsAndSizesAreComputed() throws Exception {
    ResolvedFile f = resolver.resolve("data/a/two.jpg", KeepDirectories.NONE).get(0);
    assertThat(f.size()).isEqualTo(2);
    assertThat(f.sha256())
        .isEqualTo("785f3ec7eb32f30b90cd0fcf3657d388b5ff4297f2f9716ff66e9b69c05ddd09");
  }

  @Test
  void missingInputsAreNamed() {
    assertThatThrownBy(() -> resolver.resolve("nope.csv", KeepDirectories.NONE))
        .isInstanceOf(InputException.class)
        .hasMessage(tmp.resolve("nope.csv") + " does not exist");
    assertThatThrownBy(() -> resolver.resolve("data/*.png", KeepDirectories.NONE))
        .hasMessage("no file matches data/*.png");
    assertThatThrownBy(() -> resolver.resolve("datum://unknown", KeepDirectories.NONE))
        .hasMessage("datum://unknown is not in the artifact store (unknown datum)");
    // s3:// is read (S3InputsTest); other object stores are not
    assertThatThrownBy(() -> resolver.resolve("gs://bucket/x", KeepDirectories.NONE))
        .hasMessage(
            "gs://bucket/x: Kiln reads local paths, file://, http(s)://, s3:// and datum://"
                + " inputs; gs:// is not supported");
  }

  @Test
  void datumsComeFromTheStore() throws Exception {
    ResolvedFile f = resolver.resolve("datum://known", KeepDirectories.NONE).get(0);
    assertThat(f.producer()).contains("exec-1");
  }

  @Test
  void downloadsAreCachedByUrlAndChecksum() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/w/yolov3.weights",
        ex -> {
          hits.incrementAndGet();
          byte[] body = "weights".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/w/yolov3.weights";
      ResolvedFile first = resolver.resolve(url, KeepDirectories.NONE).get(0);
      ResolvedFile second = resolver.resolve(url, KeepDirectories.NONE).get(0);
      assertThat(first.relativePath()).isEqualTo("yolov3.weights");
      assertThat(Files.readString(second.file())).isEqualTo("weights");
      assertThat(hits).hasValue(1);
      // A damaged cached copy is fetched again.
      Files.writeString(first.file(), "damaged");
      resolver.resolve(url, KeepDirectories.NONE);
      assertThat(hits).hasValue(2);
      String missing = "http://127.0.0.1:" + server.getAddress().getPort() + "/nothing";
      assertThatThrownBy(() -> resolver.resolve(missing, KeepDirectories.NONE))
          .hasMessageEndingWith("HTTP 404");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableUrlIsAClearError() {
    assertThatThrownBy(() -> resolver.resolve("http://127.0.0.1:1/x", KeepDirectories.NONE))
        .isInstanceOf(InputException.class)
        .hasMessage("cannot download http://127.0.0.1:1/x: connection refused");
  }
}
