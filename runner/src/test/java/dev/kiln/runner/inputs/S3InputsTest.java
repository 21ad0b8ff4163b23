package dev.kiln.runner.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.lineage.artifact.S3Storage;
import dev.kiln.lineage.artifact.S3Uri;
import dev.kiln.pipelines.KeepDirectories;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code s3://} inputs against a real S3 API server (S3Proxy, files behind it). */
@Timeout(120)
class S3InputsTest {
  @TempDir Path tmp;
  S3ProxyServer server;
  S3Storage storage;
  InputResolver resolver;

  @BeforeEach
  void start() throws Exception {
    server = new S3ProxyServer(tmp.resolve("s3"), "datasets");
    storage = S3Storage.open(server.settings());
    put("images/a.jpg", "aa");
    put("images/b.jpg", "bbb");
    put("images/sub/c.jpg", "cccc");
    put("images/notes.txt", "notes");
    put("labels.json", "{\"labels\": 2}");
    resolver =
        new InputResolver(tmp, tmp.resolve("cache/http"), uri -> Optional.empty(), () -> storage);
  }

  @AfterEach
  void stop() {
    storage.close();
    server.close();
  }

  private void put(String key, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    storage.upload(new S3Uri("datasets", key), new ByteArrayInputStream(bytes), bytes.length);
  }

  private List<String> paths(String uri, KeepDirectories keep) throws InputException {
    return resolver.resolve(uri, keep).stream().map(ResolvedFile::relativePath).toList();
  }

  @Test
  void aSingleKeyIsDownloadedIntoTheCacheWithItsChecksum() throws Exception {
    List<ResolvedFile> files = resolver.resolve("s3://datasets/labels.json", KeepDirectories.NONE);

    assertThat(files).hasSize(1);
    ResolvedFile f = files.get(0);
    assertThat(f.relativePath()).isEqualTo("labels.json");
    assertThat(f.uri()).isEqualTo("s3://datasets/labels.json");
    assertThat(f.file()).startsWith(tmp.resolve("cache/s3"));
    assertThat(Files.readString(f.file())).isEqualTo("{\"labels\": 2}");
    assertThat(f.size()).isEqualTo(13);
    assertThat(f.sha256()).isEqualTo(Sha256.of("{\"labels\": 2}"));
  }

  @Test
  void aPrefixIsEveryObjectBelowIt() throws Exception {
    assertThat(paths("s3://datasets/images/", KeepDirectories.SUFFIX))
        .containsExactly("a.jpg", "b.jpg", "notes.txt", "sub/c.jpg");
    // a key that is a "folder" reads like a local folder
    assertThat(paths("s3://datasets/images", KeepDirectories.SUFFIX))
        .containsExactly("a.jpg", "b.jpg", "notes.txt", "sub/c.jpg");
    assertThat(paths("s3://datasets/images/", KeepDirectories.FULL))
        .containsExactly(
            "datasets/images/a.jpg",
            "datasets/images/b.jpg",
            "datasets/images/notes.txt",
            "datasets/images/sub/c.jpg");
  }

  @Test
  void aGlobMatchesKeysBelowThePartBeforeTheWildcard() throws Exception {
    assertThat(paths("s3://datasets/images/*.jpg", KeepDirectories.NONE))
        .containsExactly("a.jpg", "b.jpg");
    assertThat(paths("s3://datasets/images/**.jpg", KeepDirectories.SUFFIX))
        .containsExactly("a.jpg", "b.jpg", "sub/c.jpg");
    List<ResolvedFile> files = resolver.resolve("s3://datasets/images/*.jpg", KeepDirectories.NONE);
    assertThat(Files.readString(files.get(1).file())).isEqualTo("bbb");
    assertThatThrownBy(() -> resolver.resolve("s3://datasets/images/*.png", KeepDirectories.NONE))
        .isInstanceOf(InputException.class)
        .hasMessage("no object matches s3://datasets/images/*.png");
  }

  @Test
  void theCacheIsReusedUntilTheObjectChanges() throws Exception {
    Path first = resolver.resolve("s3://datasets/images/a.jpg", KeepDirectories.NONE).get(0).file();
    Files.writeString(first.resolveSibling("marker"), "cached");
    Path again = resolver.resolve("s3://datasets/images/a.jpg", KeepDirectories.NONE).get(0).file();
    assertThat(again).isEqualTo(first);
    assertThat(Files.readString(again)).isEqualTo("aa");

    put("images/a.jpg", "new content");
    ResolvedFile changed =
        resolver.resolve("s3://datasets/images/a.jpg", KeepDirectories.NONE).get(0);
    assertThat(Files.readString(changed.file())).isEqualTo("new content");
    assertThat(changed.sha256()).isEqualTo(Sha256.of("new content"));
  }

  @Test
  void aCorruptedObjectIsDetectedByItsRecordedChecksum() throws Exception {
    Path model = tmp.resolve("model.bin");
    Files.writeString(model, "trained weights");
    String sha = Sha256.of(model);
    S3Uri uri = new S3Uri("datasets", "models/model.bin");
    storage.upload(uri, model, sha);
    Files.writeString(server.fileOf(uri), "tampered weights");

    assertThatThrownBy(() -> resolver.resolve(uri.toString(), KeepDirectories.NONE))
        .isInstanceOf(InputException.class)
        .hasMessage(
            "s3://datasets/models/model.bin is corrupted: its 16 bytes hash to sha256 "
                + Sha256.of("tampered weights")
                + ", its metadata records "
                + sha
                + "; upload it again");
    assertThat(tmp.resolve("cache/s3")).satisfies(dir -> assertThat(dataFiles(dir)).isEmpty());
  }

  private static List<Path> dataFiles(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (var s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().equals("data")).toList();
    }
  }

  @Test
  void aMissingKeyIsAClearErrorNamingTheUri() {
    assertThatThrownBy(() -> resolver.resolve("s3://datasets/nope.bin", KeepDirectories.NONE))
        .isInstanceOf(InputException.class)
        .hasMessage(
            "s3://datasets/nope.bin does not exist (no object with key \"nope.bin\" in bucket"
                + " datasets, and none under datasets/nope.bin/)");
    assertThatThrownBy(() -> resolver.resolve("s3://datasets/empty/", KeepDirectories.NONE))
        .hasMessage("no object under s3://datasets/empty/ (the prefix is empty)");
    assertThatThrownBy(() -> resolver.resolve("s3://no-such-bucket/x.bin", KeepDirectories.NONE))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("cannot list s3://no-such-bucket/x.bin/ on " + server.endpoint())
        .hasMessageContaining("the bucket no-such-bucket does not exist");
  }
}
