package dev.kiln.lineage.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The one S3 client of a Kiln process, behind Kiln's own types: the artifact store ({@code
 * KILN_ARTIFACTS=s3://…}) and {@code s3://} inputs both go through it, and every AWS exception
 * leaves it as an {@link ArtifactStoreException} that names the {@code s3://} URI and the server.
 * Thread-safe; close it to release its connections.
 */
public final class S3Storage implements AutoCloseable {
  /** The user metadata key Kiln writes (and checks, when present) with each object's SHA-256. */
  public static final String SHA256_METADATA = "sha256";

  /**
   * One stored object.
   *
   * @param etag the server's entity tag without quotes; the MD5 of the content for a single-part
   *     upload (no {@code -} in it)
   * @param sha256 the SHA-256 Kiln (or whoever uploaded it) recorded in the object's metadata
   */
  public record ObjectInfo(S3Uri uri, long size, String etag, Optional<String> sha256) {}

  private final S3Client client;
  private final S3Settings settings;

  private S3Storage(S3Client client, S3Settings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** A client for these settings; it connects on first use. */
  public static S3Storage open(S3Settings settings) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(settings.region().orElseGet(S3Storage::defaultRegion)))
            .credentialsProvider(credentials(settings))
            // S3-compatible servers do not all know the SDK's newer CRC checksums; Kiln checks
            // SHA-256 itself.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    settings.endpoint().ifPresent(e -> builder.endpointOverride(e).forcePathStyle(true));
    try {
      return new S3Storage(builder.build(), settings);
    } catch (SdkException e) {
      throw new ArtifactStoreException(
          "cannot set up the S3 client (" + settings + "): " + e.getMessage(), e);
    }
  }

  /** {@link #open} with {@link S3Settings#fromEnvironment}. */
  public static S3Storage fromEnvironment(Map<String, String> env) {
    return open(S3Settings.fromEnvironment(env));
  }

  public S3Settings settings() {
    return settings;
  }

  /** The object's size, tag and recorded SHA-256, or empty when there is no such key. */
  public Optional<ObjectInfo> head(S3Uri uri) {
    try {
      HeadObjectResponse r =
          client.headObject(HeadObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build());
      return Optional.of(info(uri, r.contentLength(), r.eTag(), r.metadata()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
        return Optional.empty();
      }
      throw failure("cannot look up", uri, e);
    } catch (SdkException e) {
      throw failure("cannot look up", uri, e);
    }
  }

  /**
   * Every object whose key starts with {@code prefix.key()}, sorted by key; folder markers (keys
   * ending in {@code /}, made by consoles and some servers) are left out.
   */
  public List<ObjectInfo> list(S3Uri prefix) {
    List<ObjectInfo> out = new ArrayList<>();
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder request =
            ListObjectsV2Request.builder().bucket(prefix.bucket()).prefix(prefix.key());
        if (token != null) {
          request.continuationToken(token);
        }
        ListObjectsV2Response page = client.listObjectsV2(request.build());
        for (S3Object o : page.contents()) {
          if (o.key().endsWith("/")) {
            continue; // a folder marker, not a file
          }
          out.add(
              info(new S3Uri(prefix.bucket(), o.key()), o.size(), o.eTag(), Map.of()));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw failure("cannot list", prefix, e);
    }
    out.sort((a, b) -> a.uri().key().compareTo(b.uri().key()));
    return out;
  }

  /**
   * Writes the object's bytes to {@code target} (replacing it), or returns empty without touching
   * it when there is no such key. Checks nothing: callers hash what they got.
   */
  public Optional<ObjectInfo> download(S3Uri uri, Path target) {
    GetObjectRequest request = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build();
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      GetObjectResponse r = in.response();
      return Optional.of(info(uri, Files.size(target), r.eTag(), r.metadata()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("cannot download", uri, e);
    } catch (IOException e) {
      throw new ArtifactStoreException(
          "cannot download " + uri + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Uploads {@code file} as {@code uri}, recording {@code sha256} in the object's metadata. */
  public void upload(S3Uri uri, Path file, String sha256) {
    try {
      client.putObject(
          PutObjectRequest.builder()
              .bucket(uri.bucket())
              .key(uri.key())
              .metadata(Map.of(SHA256_METADATA, sha256))
              .build(),
          RequestBody.fromFile(file));
    } catch (SdkException | java.io.UncheckedIOException e) {
      throw failure("cannot upload " + file + " to", uri, e);
    }
  }

  /** Uploads the rest of {@code in} (of {@code size} bytes) as {@code uri}; for tests and tools. */
  public void upload(S3Uri uri, InputStream in, long size) {
    try {
      client.putObject(
          PutObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build(),
          RequestBody.fromInputStream(in, size));
    } catch (SdkException e) {
      throw failure("cannot upload to", uri, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  private static ObjectInfo info(S3Uri uri, Long size, String etag, Map<String, String> metadata) {
    String tag = etag == null ? "" : etag.replace("\"", "");
    String sha = metadata == null ? null : metadata.get(SHA256_METADATA);
    return new ObjectInfo(uri, size == null ? -1 : size, tag, Optional.ofNullable(sha));
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }

  private ArtifactStoreException failure(String what, S3Uri uri, RuntimeException e) {
    String detail;
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      String message = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
      detail =
          "HTTP " + s3.statusCode() + (code == null ? "" : " " + code)
              + (message == null ? "" : ": " + message);
      if ("NoSuchBucket".equals(code)) {
        detail += " (the bucket " + uri.bucket() + " does not exist; create it first)";
      } else if (s3.statusCode() == 403) {
        detail += " (check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and the bucket's policy)";
      }
    } else {
      detail = e.getMessage();
    }
    String server = settings.endpoint().map(URI::toString).orElse("AWS S3");
    return new ArtifactStoreException(what + " " + uri + " on " + server + ": " + detail, e);
  }

  private static AwsCredentialsProvider credentials(S3Settings s) {
    if (s.accessKeyId().isEmpty()) {
      return DefaultCredentialsProvider.builder().build();
    }
    String id = s.accessKeyId().get();
    String secret = s.secretAccessKey().orElseThrow();
    return StaticCredentialsProvider.create(
        s.sessionToken().isPresent()
            ? AwsSessionCredentials.create(id, secret, s.sessionToken().get())
            : AwsBasicCredentials.create(id, secret));
  }

  private static String defaultRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion().id();
    } catch (SdkException e) {
      return "us-east-1";
    }
  }
}
