package dev.kiln.runner.inputs;

import dev.kiln.lineage.artifact.ArtifactStoreException;
import dev.kiln.lineage.artifact.S3Storage;
import dev.kiln.lineage.artifact.S3Uri;
import dev.kiln.pipelines.KeepDirectories;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Resolves the URIs of one input to files:
 *
 * <ul>
 *   <li>a local path or {@code file://} URI: a file, a folder (every file below it) or a glob
 *       ({@code data/*.jpg}, {@code data/**}); relative paths are relative to the working folder;
 *   <li>{@code http://}/{@code https://}: downloaded once into the cache and reused while the
 *       cached copy's checksum still matches the one recorded when it was downloaded;
 *   <li>{@code s3://bucket/key}, a prefix ({@code s3://bucket/dir/}, or a key that is a "folder")
 *       or a glob of keys ({@code s3://bucket/dir/*.jpg}): each object downloaded once into the
 *       cache, checked against the SHA-256 in its metadata or the MD5 its ETag stands for, and
 *       reused while its ETag and the cached copy's checksum still match;
 *   <li>{@code datum://ID}: an earlier output, through the artifact store.
 * </ul>
 *
 * Keep-directories decides each file's path below {@code inputs/<name>/}: its name ({@code none}),
 * its whole path ({@code full}), or its path below the part of the URI before the first wildcard
 * ({@code suffix}).
 */
public final class InputResolver {
  /** Looks up {@code datum://} ids; the artifact store implements it. */
  public interface DatumLookup {
    /** The stored file of a datum, or empty when the store has no such datum. */
    Optional<ResolvedFile> find(String datumUri) throws IOException;
  }

  private final Path workingDir;
  private final Path httpCache;
  private final DatumLookup datums;
  private final HttpClient http;
  private final Path s3Cache;
  private final Supplier<S3Storage> s3Source;
  private S3Storage s3;

  /** {@code s3://} inputs through a client made from this process's environment when needed. */
  public InputResolver(Path workingDir, Path httpCache, DatumLookup datums) {
    this(workingDir, httpCache, datums, () -> S3Storage.fromEnvironment(System.getenv()));
  }

  /**
   * {@code s3://} inputs through the client {@code s3} supplies (asked once, on the first such
   * input), cached beside {@code httpCache} in {@code s3}.
   */
  public InputResolver(
      Path workingDir, Path httpCache, DatumLookup datums, Supplier<S3Storage> s3) {
    this.workingDir = workingDir;
    this.httpCache = httpCache;
    this.s3Cache = httpCache.resolveSibling("s3");
    this.s3Source = s3;
    this.datums = datums;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Every file of one URI, in a stable order. */
  public List<ResolvedFile> resolve(String uri, KeepDirectories keep) throws InputException {
    try {
      if (uri.startsWith("datum://")) {
        ResolvedFile f =
            datums
                .find(uri)
                .orElseThrow(
                    () -> new InputException(uri + " is not in the artifact store (unknown datum)"));
        return List.of(f);
      }
      if (uri.startsWith("http://") || uri.startsWith("https://")) {
        return List.of(download(uri));
      }
      if (S3Uri.isS3(uri)) {
        return s3Objects(uri, keep);
      }
      if (uri.contains("://") && !uri.startsWith("file://")) {
        throw new InputException(
            uri
                + ": Kiln reads local paths, file://, http(s)://, s3:// and datum:// inputs; "
                + uri.substring(0, uri.indexOf("://"))
                + ":// is not supported");
      }
      return local(uri, keep);
    } catch (IOException e) {
      throw new InputException(uri + ": " + describe(e), e);
    }
  }

  private List<ResolvedFile> local(String uri, KeepDirectories keep)
      throws IOException, InputException {
    String pathText = uri;
    if (uri.startsWith("file://")) {
      try {
        pathText = Path.of(new URI(uri)).toString();
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new InputException(uri + " is not a valid file:// URI: " + e.getMessage());
      }
    }
    int wildcard = firstWildcard(pathText);
    if (wildcard < 0) {
      Path p = workingDir.resolve(pathText).normalize();
      if (!Files.exists(p)) {
        throw new InputException(p + " does not exist");
      }
      if (Files.isDirectory(p)) {
        return walk(p, p, null, uri, keep);
      }
      return List.of(file(p, p.getParent(), uri, keep));
    }
    int slash = pathText.lastIndexOf('/', wildcard);
    String baseText = slash < 0 ? "." : pathText.substring(0, slash + 1);
    String pattern = pathText.substring(slash + 1);
    Path base = workingDir.resolve(baseText).normalize();
    if (!Files.isDirectory(base)) {
      throw new InputException(base + " does not exist (the folder of " + uri + ")");
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    List<ResolvedFile> files = walk(base, base, matcher, uri, keep);
    if (files.isEmpty()) {
      throw new InputException("no file matches " + uri);
    }
    return files;
  }

  private List<ResolvedFile> walk(
      Path root, Path base, PathMatcher matcher, String uri, KeepDirectories keep)
      throws IOException {
    List<ResolvedFile> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> paths =
          s.filter(Files::isRegularFile)
              .filter(p -> matcher == null || matcher.matches(base.relativize(p)))
              .sorted(Comparator.comparing(Path::toString))
              .toList();
      for (Path p : paths) {
        out.add(file(p, base, uri, keep));
      }
    }
    return out;
  }

  private ResolvedFile file(Path p, Path base, String uri, KeepDirectories keep)
      throws IOException {
    String relative =
        switch (keep) {
          case NONE -> p.getFileName().toString();
          case FULL -> p.toAbsolutePath().toString().replaceFirst("^/+", "");
          case SUFFIX -> base.relativize(p).toString();
        };
    return new ResolvedFile(
        relative, p, uri, Files.size(p), Sha256.of(p), Optional.empty(), Optional.empty());
  }

  private ResolvedFile download(String uri) throws IOException, InputException {
    String key = Sha256.of(uri);
    Path dir = httpCache.resolve(key);
    Path data = dir.resolve("data");
    Path checksum = dir.resolve("sha256");
    String name = fileName(uri);
    if (Files.exists(data) && Files.exists(checksum)) {
      String recorded = Files.readString(checksum).trim();
      if (Sha256.of(data).equals(recorded)) {
        return new ResolvedFile(
            name, data, uri, Files.size(data), recorded, Optional.empty(), Optional.empty());
      }
    }
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, "download", ".part");
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofMinutes(30)).GET().build();
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new InputException("cannot download " + uri + ": HTTP " + response.statusCode());
      }
      try (InputStream in = response.body()) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      String sha = Sha256.of(partial);
      Files.move(partial, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(checksum, sha);
      return new ResolvedFile(
          name, data, uri, Files.size(data), sha, Optional.empty(), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InputException("download of " + uri + " was interrupted", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new InputException("cannot download " + uri + ": " + describe(e), e);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private List<ResolvedFile> s3Objects(String uri, KeepDirectories keep)
      throws IOException, InputException {
    try {
      S3Uri target = S3Uri.parse(uri);
      S3Storage client = s3();
      String key = target.key();
      int wildcard = firstWildcard(key);
      List<S3Storage.ObjectInfo> objects;
      String base;
      if (wildcard >= 0) {
        base = key.substring(0, key.lastIndexOf('/', wildcard) + 1);
        PathMatcher matcher =
            FileSystems.getDefault().getPathMatcher("glob:" + key.substring(base.length()));
        objects =
            client.list(new S3Uri(target.bucket(), base)).stream()
                .filter(o -> matcher.matches(Path.of(o.uri().key().substring(base.length()))))
                .toList();
        if (objects.isEmpty()) {
          throw new InputException("no object matches " + uri);
        }
      } else if (key.isEmpty() || key.endsWith("/")) {
        base = key;
        objects = client.list(target);
        if (objects.isEmpty()) {
          throw new InputException("no object under " + uri + " (the prefix is empty)");
        }
      } else {
        Optional<S3Storage.ObjectInfo> one = client.head(target);
        if (one.isPresent()) {
          base = key.substring(0, key.lastIndexOf('/') + 1);
          objects = List.of(one.get());
        } else {
          // like a local folder: s3://bucket/dir is every object under dir/
          base = target.asPrefix();
          objects = client.list(new S3Uri(target.bucket(), base));
          if (objects.isEmpty()) {
            throw new InputException(
                uri + " does not exist (no object with key \"" + key + "\" in bucket "
                    + target.bucket() + ", and none under " + target.bucket() + "/" + base + ")");
          }
        }
      }
      List<ResolvedFile> out = new ArrayList<>();
      for (S3Storage.ObjectInfo o : objects) {
        String objectKey = o.uri().key();
        String relative =
            switch (keep) {
              case NONE -> objectKey.substring(objectKey.lastIndexOf('/') + 1);
              case FULL -> o.uri().bucket() + "/" + objectKey;
              case SUFFIX -> objectKey.substring(base.length());
            };
        out.add(downloadS3(client, o, relative));
      }
      return out;
    } catch (ArtifactStoreException e) {
      throw new InputException(e.getMessage(), e);
    }
  }

  private synchronized S3Storage s3() {
    if (s3 == null) {
      s3 = s3Source.get();
    }
    return s3;
  }

  /**
   * One object through the cache: {@code s3/<sha256 of its URI>/} holds {@code data}, its
   * {@code sha256} and the {@code etag} it had; the copy is reused while the object's ETag is the
   * same and the copy still hashes to what was recorded.
   */
  private ResolvedFile downloadS3(S3Storage client, S3Storage.ObjectInfo object, String relative)
      throws IOException, InputException {
    String uri = object.uri().toString();
    Path dir = s3Cache.resolve(Sha256.of(uri));
    Path data = dir.resolve("data");
    Path checksum = dir.resolve("sha256");
    Path etag = dir.resolve("etag");
    if (Files.exists(data) && Files.exists(checksum) && Files.exists(etag)) {
      String recorded = Files.readString(checksum).trim();
      if (Files.readString(etag).trim().equals(object.etag()) && Sha256.of(data).equals(recorded)) {
        return new ResolvedFile(
            relative, data, uri, Files.size(data), recorded, Optional.empty(), Optional.empty());
      }
    }
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, "download", ".part");
    try {
      S3Storage.ObjectInfo got =
          client
              .download(object.uri(), partial)
              .orElseThrow(() -> new InputException(uri + " does not exist (it was just listed)"));
      Digests d = digests(partial);
      Optional<String> expectedSha = got.sha256().or(object::sha256);
      if (expectedSha.isPresent() && !expectedSha.get().equalsIgnoreCase(d.sha256())) {
        throw new InputException(
            uri + " is corrupted: its " + d.size() + " bytes hash to sha256 " + d.sha256()
                + ", its metadata records " + expectedSha.get()
                + "; upload it again");
      }
      String tag = got.etag().isEmpty() ? object.etag() : got.etag();
      if (tag.matches("[0-9a-fA-F]{32}") && !tag.equalsIgnoreCase(d.md5())) {
        throw new InputException(
            uri + " is corrupted: its " + d.size() + " bytes hash to md5 " + d.md5()
                + ", its ETag is " + tag + "; upload it again");
      }
      Files.move(partial, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(checksum, d.sha256());
      Files.writeString(etag, tag);
      return new ResolvedFile(
          relative, data, uri, d.size(), d.sha256(), Optional.empty(), Optional.empty());
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private record Digests(String sha256, String md5, long size) {}

  private static Digests digests(Path file) throws IOException {
    java.security.MessageDigest sha = Sha256.digest();
    java.security.MessageDigest md5;
    try {
      md5 = java.security.MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has MD5", e);
    }
    byte[] buf = new byte[1 << 16];
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
        md5.update(buf, 0, n);
        size += n;
      }
    }
    java.util.HexFormat hex = java.util.HexFormat.of();
    return new Digests(hex.formatHex(sha.digest()), hex.formatHex(md5.digest()), size);
  }

  static String fileName(String uri) {
    String path = URI.create(uri).getPath();
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return "download";
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static int firstWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + " does not exist";
    }
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
