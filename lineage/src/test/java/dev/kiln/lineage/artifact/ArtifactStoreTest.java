package dev.kiln.lineage.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ArtifactStoreTest {
  @TempDir Path temp;

  private Path file(String name, byte[] content) throws IOException {
    Path file = temp.resolve(name);
    Files.write(file, content);
    return file;
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private static List<Path> filesUnder(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void putStoresContentUnderItsHashAndGivesADatumId() throws Exception {
    byte[] content = "hello, kiln\n".getBytes(StandardCharsets.UTF_8);
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));

    ArtifactRef ref = store.put(file("a.txt", content));

    String sha = sha256(content);
    assertThat(ref.sha256()).isEqualTo(sha);
    assertThat(ref.size()).isEqualTo(content.length);
    assertThat(ref.datumId()).isEqualTo("datum://" + sha);
    Path stored =
        temp.resolve("artifacts")
            .resolve("sha256")
            .resolve(sha.substring(0, 2))
            .resolve(sha.substring(2));
    assertThat(store.resolve(ref.datumId())).isEqualTo(stored.toAbsolutePath());
    assertThat(store.resolve(sha)).isEqualTo(stored.toAbsolutePath());
    assertThat(Files.readAllBytes(stored)).isEqualTo(content);
    try (InputStream in = store.open(ref.datumId())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(store.contains(sha)).isTrue();
    assertThat(store.verify(ref.datumId())).isEqualTo(ref);
    assertThat(filesUnder(temp.resolve("artifacts/incoming"))).isEmpty();
  }

  @Test
  void sameContentIsStoredOnce() throws Exception {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    byte[] content = new byte[100_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }
    ArtifactRef first = store.put(file("one.bin", content));
    ArtifactRef second = store.put(new ByteArrayInputStream(content), "stream");

    assertThat(second).isEqualTo(first);
    assertThat(filesUnder(temp.resolve("artifacts/sha256"))).hasSize(1);
    assertThat(filesUnder(temp.resolve("artifacts/incoming"))).isEmpty();
  }

  @Test
  void emptyFileIsAnArtifactToo() throws Exception {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    ArtifactRef ref = store.put(file("empty", new byte[0]));
    assertThat(ref.size()).isZero();
    assertThat(ref.sha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void verifyDetectsAChangedFile() throws Exception {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    ArtifactRef ref = store.put(file("model.bin", "weights v1".getBytes(StandardCharsets.UTF_8)));
    Path stored = store.resolve(ref.datumId());
    Files.write(
        stored,
        "weights v2".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.TRUNCATE_EXISTING);

    assertThatThrownBy(() -> store.verify(ref.datumId()))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessage(
            "artifact "
                + ref.datumId()
                + " is corrupted: "
                + stored
                + " (10 bytes) hashes to "
                + sha256("weights v2".getBytes(StandardCharsets.UTF_8))
                + "; delete it and store the content again from its source");
  }

  @Test
  void unknownArtifactIsNamed() {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    String sha = "ab".repeat(32);
    assertThat(store.contains(sha)).isFalse();
    assertThatThrownBy(() -> store.open("datum://" + sha))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessageStartingWith("no artifact datum://" + sha + " in the artifact store ");
  }

  @Test
  void anythingButADatumIdOrShaIsRejectedSoNoPathCanEscape() {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    for (String bad :
        List.of(
            "../../etc/passwd",
            "datum://../../etc/passwd",
            "datum://" + "a".repeat(63),
            "ab/" + "c".repeat(62),
            "/etc/passwd",
            "")) {
      assertThatThrownBy(() -> store.resolve(bad))
          .as(bad)
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessage(
              "not a datum id or sha256: '"
                  + bad
                  + "' (expected datum://<64 hex digits> or 64 hex digits)");
    }
    assertThatThrownBy(() -> store.verify(null)).isInstanceOf(ArtifactStoreException.class);
  }

  @Test
  void aSymbolicLinkPlantedInTheStoreIsNotFollowed() throws Exception {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    Path secret = file("secret.txt", "secret".getBytes(StandardCharsets.UTF_8));
    String sha = sha256("secret".getBytes(StandardCharsets.UTF_8));
    Path planted =
        temp.resolve("artifacts/sha256").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
    Files.createDirectories(planted.getParent());
    Files.createSymbolicLink(planted, secret);

    assertThat(store.contains(sha)).isFalse();
    assertThatThrownBy(() -> store.open(sha))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessageContaining("is not a regular file but a link or folder");
  }

  @Test
  void aFailedWriteLeavesNothingBehindAndNamesTheFile() throws Exception {
    // A disk that fills up after 1000 bytes.
    ArtifactStore store =
        new ArtifactStore(
            temp.resolve("artifacts"),
            path ->
                new FilterOutputStream(Files.newOutputStream(path)) {
                  private long written;

                  @Override
                  public void write(int b) throws IOException {
                    if (++written > 1000) {
                      throw new IOException("No space left on device");
                    }
                    super.write(b);
                  }

                  @Override
                  public void write(byte[] b, int off, int len) throws IOException {
                    for (int i = 0; i < len; i++) {
                      write(b[off + i]);
                    }
                  }
                });
    Path big = file("big.bin", new byte[50_000]);

    assertThatThrownBy(() -> store.put(big))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessage(
            "cannot store "
                + big
                + " in the artifact store "
                + temp.resolve("artifacts").toAbsolutePath()
                + ": No space left on device; nothing was stored (check free disk space and"
                + " permissions)");
    assertThat(filesUnder(temp.resolve("artifacts"))).isEmpty();
    assertThat(store.contains(sha256(new byte[50_000]))).isFalse();
  }

  @Test
  void aFailingSourceLeavesNothingBehind() throws Exception {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    // Fails for good after 5000 bytes (every read after that throws, so it cannot run on).
    InputStream broken =
        new InputStream() {
          private int left = 5000;

          @Override
          public int read() throws IOException {
            if (left <= 0) {
              throw new IOException("connection reset");
            }
            left--;
            return 7;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
              throw new IOException("connection reset");
            }
            int n = Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 7);
            left -= n;
            return n;
          }
        };
    assertThatThrownBy(() -> store.put(broken, "https://example.com/data.zip"))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessageStartingWith("cannot store https://example.com/data.zip in the artifact store ")
        .hasMessageContaining("connection reset");
    assertThat(filesUnder(temp.resolve("artifacts"))).isEmpty();
  }

  @Test
  void aFolderIsNotAnArtifact() throws IOException {
    ArtifactStore store = new ArtifactStore(temp.resolve("artifacts"));
    Path folder = Files.createDirectory(temp.resolve("folder"));
    assertThatThrownBy(() -> store.put(folder))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessage("cannot store " + folder + " in the artifact store: it is not a regular file");
  }

  @Test
  void aStoreThatCannotMakeItsFolderSaysSo() throws IOException {
    Path notAFolder = file("artifacts", new byte[] {1});
    ArtifactStore store = new ArtifactStore(notAFolder);
    Path input = file("x.txt", new byte[] {2});
    assertThatThrownBy(() -> store.put(input))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessageStartingWith("cannot store " + input + " in the artifact store " + notAFolder);
  }
}
