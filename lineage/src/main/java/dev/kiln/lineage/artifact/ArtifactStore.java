package dev.kiln.lineage.artifact;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Files by content under {@code <root>/sha256/ab/cdef…} (the first two hex digits of the SHA-256 as
 * a folder, the other 62 as the file name), as Git does, so no folder grows past 256 entries per
 * level.
 *
 * <p>Writes are atomic: content goes to a temporary file under {@code <root>/incoming} (the same
 * file system, so the final rename is atomic), is fsynced, then renamed into place; a failure
 * deletes the temporary file, so a reader never sees a half-written artifact. Storing the same
 * content twice keeps one copy. Every look-up takes a datum id or a sha256 and nothing else, so no
 * caller-supplied path can reach outside the store.
 *
 * <p>With {@link #inS3} the store of record is a bucket ({@code KILN_ARTIFACTS=s3://bucket/prefix}),
 * under the same {@code sha256/ab/cdef…} keys, and the folder is a cache of it: a put writes the
 * folder then uploads, a look-up downloads into the folder once and checks the bytes against their
 * name before anyone sees them, so machines that share only the bucket share every artifact.
 *
 * <p>Thread-safe: concurrent puts of the same content race to rename identical bytes.
 */
public final class ArtifactStore implements AutoCloseable {
  /** The prefix of every datum id. */
  public static final String DATUM_PREFIX = "datum://";

  static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** How the store opens a temporary file for writing; a seam for failure tests. */
  @FunctionalInterface
  interface StreamOpener {
    OutputStream open(Path file) throws IOException;
  }

  private final Path root;
  private final Path objects;
  private final Path incoming;
  private final StreamOpener opener;
  /** The bucket and prefix of record, or null for a store that is only its folder. */
  private final S3Uri s3Prefix;
  private final S3Storage s3;

  /** A store in {@code root} (e.g. {@code KILN_HOME/artifacts}); folders are made on first put. */
  public ArtifactStore(Path root) {
    this(root, file -> Files.newOutputStream(file, StandardOpenOption.WRITE), null, null);
  }

  ArtifactStore(Path root, StreamOpener opener) {
    this(root, opener, null, null);
  }

  private ArtifactStore(Path root, StreamOpener opener, S3Uri s3Prefix, S3Storage s3) {
    this.root = root.toAbsolutePath().normalize();
    this.objects = this.root.resolve("sha256");
    this.incoming = this.root.resolve("incoming");
    this.opener = opener;
    this.s3Prefix = s3Prefix;
    this.s3 = s3;
  }

  /**
   * A store whose content lives under {@code prefix} in S3, with {@code cache} (e.g. {@code
   * KILN_HOME/artifacts}) as its local copy. The store takes {@code storage} over and closes it.
   */
  public static ArtifactStore inS3(Path cache, S3Uri prefix, S3Storage storage) {
    return new ArtifactStore(
        cache,
        file -> Files.newOutputStream(file, StandardOpenOption.WRITE),
        new S3Uri(prefix.bucket(), prefix.asPrefix()),
        storage);
  }

  /** The folder: the whole store, or the local cache of an S3 store. */
  public Path root() {
    return root;
  }

  /** Where the content of record lives, for messages: the folder or the {@code s3://} prefix. */
  public String location() {
    return s3Prefix == null ? root.toString() : s3Prefix.toString();
  }

  /** The S3 client of an S3 store, so {@code s3://} inputs share it; empty for a folder store. */
  public Optional<S3Storage> s3() {
    return Optional.ofNullable(s3);
  }

  /** The object a datum id or sha is kept as in S3; empty for a folder store. */
  public Optional<S3Uri> s3UriOf(String id) {
    if (s3Prefix == null) {
      return Optional.empty();
    }
    String sha = shaOf(id);
    return Optional.of(s3Prefix.child("sha256/" + sha.substring(0, 2) + "/" + sha.substring(2)));
  }

  /** The datum id of content with this SHA-256. */
  public static String datumIdOf(String sha256) {
    return DATUM_PREFIX + sha256;
  }

  /**
   * The SHA-256 a datum id or sha names, or an {@link ArtifactStoreException} when {@code id} is
   * neither (which also rejects anything path-like, such as {@code ../x}).
   */
  public static String shaOf(String id) {
    if (id != null) {
      String hex = id.startsWith(DATUM_PREFIX) ? id.substring(DATUM_PREFIX.length()) : id;
      String lower = hex.toLowerCase(Locale.ROOT);
      if (SHA256.matcher(lower).matches()) {
        return lower;
      }
    }
    throw new ArtifactStoreException(
        "not a datum id or sha256: '"
            + id
            + "' (expected "
            + DATUM_PREFIX
            + "<64 hex digits> or 64 hex digits)");
  }

  /** Copies {@code file} into the store; the file itself is left as it is. */
  public ArtifactRef put(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ArtifactStoreException(
          "cannot store " + file + " in the artifact store: it is not a regular file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return put(in, file.toString());
    } catch (IOException e) {
      throw new ArtifactStoreException(
          "cannot store " + file + " in the artifact store " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stores the rest of {@code in} (not closed here). {@code source} names the content in error
   * messages, e.g. a file name or URI.
   */
  public ArtifactRef put(InputStream in, String source) {
    ArtifactRef ref = putLocal(in, source);
    if (s3 != null) {
      S3Uri object = s3UriOf(ref.sha256()).orElseThrow();
      if (s3.head(object).isEmpty()) {
        try {
          s3.upload(object, pathOf(ref.sha256()), ref.sha256());
        } catch (ArtifactStoreException e) {
          throw new ArtifactStoreException(
              "cannot store " + source + " in the artifact store " + location() + ": "
                  + e.getMessage(), e);
        }
      }
    }
    return ref;
  }

  private ArtifactRef putLocal(InputStream in, String source) {
    Path temp = null;
    try {
      Files.createDirectories(incoming);
      temp = Files.createTempFile(incoming, "put-", ".tmp");
      MessageDigest digest = sha256();
      long size;
      try (OutputStream raw = opener.open(temp);
          DigestOutputStream out = new DigestOutputStream(new BufferedOutputStream(raw), digest)) {
        size = in.transferTo(out);
      }
      fsync(temp, false);
      String sha = HexFormat.of().formatHex(digest.digest());
      Path target = pathOf(sha);
      Files.createDirectories(target.getParent());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(temp);
      } else {
        moveAtomically(temp, target);
        fsync(target.getParent(), true);
      }
      return ArtifactRef.of(sha, size);
    } catch (IOException | RuntimeException e) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      if (e instanceof ArtifactStoreException ase) {
        throw ase;
      }
      throw new ArtifactStoreException(
          "cannot store "
              + source
              + " in the artifact store "
              + root
              + ": "
              + e.getMessage()
              + "; nothing was stored (check free disk space and permissions)",
          e);
    }
  }

  /** True when the store holds the content a datum id or sha names. */
  public boolean contains(String id) {
    if (s3 != null) {
      return s3.head(s3UriOf(id).orElseThrow()).isPresent();
    }
    return Files.isRegularFile(pathOf(shaOf(id)), LinkOption.NOFOLLOW_LINKS);
  }

  /** The stored file; it must exist. Read it, never write it: its name is its content. */
  public Path resolve(String id) {
    String sha = shaOf(id);
    Path path = pathOf(sha);
    if (s3 != null && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      fetch(sha);
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArtifactStoreException(
          "no artifact "
              + datumIdOf(sha)
              + " in the artifact store "
              + root
              + " (looked for "
              + path
              + ")");
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArtifactStoreException(
          "artifact "
              + datumIdOf(sha)
              + " is not a regular file but a link or folder: "
              + path
              + "; delete it and store the content again");
    }
    return path;
  }

  /** Opens the stored content for reading. */
  public InputStream open(String id) {
    Path path = resolve(id);
    try {
      return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new ArtifactStoreException("cannot read artifact " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Re-hashes the stored content; returns its reference when it is intact and throws naming the
   * file when its bytes no longer match its name (disk fault, someone edited it).
   */
  public ArtifactRef verify(String id) {
    String sha = shaOf(id);
    if (s3 != null) {
      return verifyInS3(sha);
    }
    Path path = resolve(sha);
    MessageDigest digest = sha256();
    long size;
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      size = in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new ArtifactStoreException("cannot read artifact " + path + ": " + e.getMessage(), e);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(sha)) {
      throw new ArtifactStoreException(
          "artifact "
              + datumIdOf(sha)
              + " is corrupted: "
              + path
              + " ("
              + size
              + " bytes) hashes to "
              + actual
              + "; delete it and store the content again from its source");
    }
    return ArtifactRef.of(sha, size);
  }

  /**
   * The S3 object must exist with the size of the cached copy; a cached copy that no longer
   * hashes to its name is dropped and fetched again, which checks the object's bytes.
   */
  private ArtifactRef verifyInS3(String sha) {
    S3Uri object = s3UriOf(sha).orElseThrow();
    S3Storage.ObjectInfo info =
        s3.head(object)
            .orElseThrow(
                () ->
                    new ArtifactStoreException(
                        "no artifact " + datumIdOf(sha) + " in the artifact store " + location()
                            + " (no object " + object + ")"));
    Path path = pathOf(sha);
    if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      Hashed cached = hash(path);
      if (!cached.sha().equals(sha)) {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new ArtifactStoreException(
              "cached artifact " + path + " is corrupted and cannot be deleted: " + e.getMessage(),
              e);
        }
      }
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      fetch(sha);
    }
    long size = size(path);
    if (info.size() >= 0 && info.size() != size) {
      throw new ArtifactStoreException(
          "artifact " + datumIdOf(sha) + " is corrupted in S3: " + object + " has " + info.size()
              + " bytes, its content has " + size + "; store the content again from its source");
    }
    return ArtifactRef.of(sha, size);
  }

  /** Downloads an object into the cache, checking its bytes against its name first. */
  private void fetch(String sha) {
    S3Uri object = s3UriOf(sha).orElseThrow();
    Path temp = null;
    try {
      Files.createDirectories(incoming);
      temp = Files.createTempFile(incoming, "get-", ".tmp");
      if (s3.download(object, temp).isEmpty()) {
        throw new ArtifactStoreException(
            "no artifact " + datumIdOf(sha) + " in the artifact store " + location()
                + " (no object " + object + ")");
      }
      Hashed got = hash(temp);
      if (!got.sha().equals(sha)) {
        throw new ArtifactStoreException(
            "artifact " + datumIdOf(sha) + " is corrupted in S3: " + object + " ("
                + got.size() + " bytes) hashes to " + got.sha()
                + "; delete the object and store the content again from its source");
      }
      fsync(temp, false);
      Path target = pathOf(sha);
      Files.createDirectories(target.getParent());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(temp);
      } else {
        moveAtomically(temp, target);
      }
    } catch (IOException | RuntimeException e) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      if (e instanceof ArtifactStoreException ase) {
        throw ase;
      }
      throw new ArtifactStoreException(
          "cannot cache " + object + " in " + root + ": " + e.getMessage()
              + " (check free disk space and permissions)", e);
    }
  }

  private record Hashed(String sha, long size) {}

  private static Hashed hash(Path path) {
    MessageDigest digest = sha256();
    long size;
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      size = in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new ArtifactStoreException("cannot read artifact " + path + ": " + e.getMessage(), e);
    }
    return new Hashed(HexFormat.of().formatHex(digest.digest()), size);
  }

  private static long size(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new ArtifactStoreException("cannot read artifact " + path + ": " + e.getMessage(), e);
    }
  }

  /** Closes the S3 client of an S3 store; a folder store holds nothing. */
  @Override
  public void close() {
    if (s3 != null) {
      s3.close();
    }
  }

  private Path pathOf(String sha) {
    Path path = objects.resolve(sha.substring(0, 2)).resolve(sha.substring(2)).normalize();
    if (!path.startsWith(objects)) {
      throw new ArtifactStoreException(
          "artifact path " + path + " is outside the store " + objects);
    }
    return path;
  }

  private static void moveAtomically(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "the file system of " + target.getParent() + " cannot rename atomically", e);
    }
  }

  /** Forces a file's content, or a folder's entries, to disk. */
  private static void fsync(Path path, boolean folder) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!folder) {
        throw e;
      }
      // Some platforms (Windows) cannot open a folder as a channel; the rename itself stands.
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
