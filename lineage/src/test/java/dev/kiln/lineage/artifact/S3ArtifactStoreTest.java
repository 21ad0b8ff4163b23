package dev.kiln.lineage.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The artifact store in S3, against a real S3 API server (S3Proxy) with files behind it. */
@Timeout(120)
class S3ArtifactStoreTest {
  static final S3Uri PREFIX = S3Uri.parse("s3://kiln-artifacts/team/a");

  @TempDir Path temp;
  S3ProxyServer server;
  /** Two machines that share only the bucket: each has its own cache. */
  ArtifactStore here;
  ArtifactStore there;

  @BeforeEach
  void start() throws Exception {
    server = new S3ProxyServer(temp.resolve("s3"), "kiln-artifacts");
    here = ArtifactStore.inS3(temp.resolve("here"), PREFIX, S3Storage.open(server.settings()));
    there = ArtifactStore.inS3(temp.resolve("there"), PREFIX, S3Storage.open(server.settings()));
  }

  @AfterEach
  void stop() throws Exception {
    here.close();
    there.close();
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private static List<Path> filesUnder(Path root) throws Exception {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void whatOneMachinePutsAnotherReadsFromTheBucket() throws Exception {
    byte[] content = bytes("weights of a detector\n");
    String sha = sha256(content);
    ArtifactRef ref = here.put(new ByteArrayInputStream(content), "model.pt");

    assertThat(ref).isEqualTo(ArtifactRef.of(sha, content.length));
    S3Uri object = here.s3UriOf(ref.datumId()).orElseThrow();
    assertThat(object.toString())
        .isEqualTo("s3://kiln-artifacts/team/a/sha256/" + sha.substring(0, 2) + "/" + sha.substring(2));
    // the server holds the bytes, with their SHA-256 as metadata
    assertThat(Files.readAllBytes(server.fileOf(object))).isEqualTo(content);
    S3Storage.ObjectInfo info = here.s3().orElseThrow().head(object).orElseThrow();
    assertThat(info.size()).isEqualTo(content.length);

    assertThat(filesUnder(temp.resolve("there"))).isEmpty();
    assertThat(there.contains(ref.datumId())).isTrue();
    Path cached = there.resolve(ref.datumId());
    assertThat(cached).startsWith(temp.resolve("there"));
    assertThat(Files.readAllBytes(cached)).isEqualTo(content);
    assertThat(there.verify(ref.datumId())).isEqualTo(ref);
    assertThat(there.location()).isEqualTo("s3://kiln-artifacts/team/a/");

    // the same content again is one object
    here.put(new ByteArrayInputStream(content), "copy.pt");
    assertThat(here.s3().orElseThrow().list(PREFIX)).hasSize(1);
  }

  @Test
  void aCorruptedObjectIsRefusedByItsChecksumAndNeverCached() throws Exception {
    byte[] content = bytes("the real content");
    ArtifactRef ref = here.put(new ByteArrayInputStream(content), "data.bin");
    S3Uri object = here.s3UriOf(ref.datumId()).orElseThrow();
    byte[] bad = bytes("the fake content");
    Files.write(server.fileOf(object), bad);

    assertThatThrownBy(() -> there.resolve(ref.datumId()))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessage(
            "artifact " + ref.datumId() + " is corrupted in S3: " + object + " (16 bytes) hashes to "
                + sha256(bad)
                + "; delete the object and store the content again from its source");
    assertThat(filesUnder(temp.resolve("there"))).isEmpty();
  }

  @Test
  void aMissingObjectIsAnErrorNamingTheDatumAndTheKey() throws Exception {
    String sha = sha256(bytes("never stored"));
    String datum = ArtifactStore.datumIdOf(sha);
    S3Uri object = there.s3UriOf(datum).orElseThrow();

    assertThat(there.contains(datum)).isFalse();
    assertThatThrownBy(() -> there.resolve(datum))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessage(
            "no artifact " + datum + " in the artifact store s3://kiln-artifacts/team/a/"
                + " (no object " + object + ")");
    assertThatThrownBy(() -> there.verify(datum))
        .hasMessage(
            "no artifact " + datum + " in the artifact store s3://kiln-artifacts/team/a/"
                + " (no object " + object + ")");
  }

  @Test
  void verifyReplacesACorruptedCachedCopyFromTheBucket() throws Exception {
    byte[] content = bytes("cached once");
    ArtifactRef ref = here.put(new ByteArrayInputStream(content), "x");
    Path cached = there.resolve(ref.datumId());
    Files.write(cached, bytes("bit rot"));

    assertThat(there.verify(ref.datumId())).isEqualTo(ref);
    assertThat(Files.readAllBytes(there.resolve(ref.datumId()))).isEqualTo(content);
  }

  @Test
  void aMissingBucketSaysSo() throws Exception {
    try (ArtifactStore nowhere =
        ArtifactStore.inS3(
            temp.resolve("nowhere"),
            S3Uri.parse("s3://no-such-bucket/x"),
            S3Storage.open(server.settings()))) {
      assertThatThrownBy(() -> nowhere.put(new ByteArrayInputStream(bytes("a")), "a.txt"))
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessageStartingWith(
              "cannot store a.txt in the artifact store s3://no-such-bucket/x/: ")
          .hasMessageContaining("the bucket no-such-bucket does not exist; create it first");
    }
  }

  @Test
  void kilnArtifactsPutsTheLineageStoresArtifactsInS3() throws Exception {
    StoreConfig config =
        StoreConfig.fromEnvironment(
            Map.of(
                "KILN_HOME", temp.resolve("home").toString(),
                "KILN_ARTIFACTS", "s3://kiln-artifacts/shared",
                "KILN_S3_ENDPOINT", server.endpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY),
            temp);
    assertThat(config.toString())
        .contains("artifacts=s3://kiln-artifacts/shared")
        .doesNotContain(S3ProxyServer.SECRET_KEY);
    try (LineageStore store = LineageStore.open(config)) {
      ArtifactRef ref = store.artifacts().put(new ByteArrayInputStream(bytes("out")), "out.txt");
      assertThat(store.artifacts().location()).isEqualTo("s3://kiln-artifacts/shared/");
      assertThat(there.s3().orElseThrow().list(S3Uri.parse("s3://kiln-artifacts/shared/")))
          .extracting(o -> o.uri().key())
          .containsExactly(
              "shared/sha256/" + ref.sha256().substring(0, 2) + "/" + ref.sha256().substring(2));
    }
  }

  @Test
  void kilnArtifactsMustBeAnS3Uri() {
    assertThatThrownBy(
            () ->
                StoreConfig.fromEnvironment(Map.of("KILN_ARTIFACTS", "/mnt/shared/artifacts"), temp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "KILN_ARTIFACTS must be s3://bucket/prefix, got '/mnt/shared/artifacts' (for artifacts"
                + " in a shared folder, set KILN_HOME to that folder instead)");
  }
}
