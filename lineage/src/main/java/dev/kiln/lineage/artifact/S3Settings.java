package dev.kiln.lineage.artifact;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach S3 or an S3-compatible server (MinIO, Ceph, S3Proxy…), from the standard AWS
 * variables plus {@code KILN_S3_ENDPOINT}. Credentials left out here come from the AWS SDK's
 * default chain (profiles, instance roles); an endpoint switches to path-style addressing, which
 * S3-compatible servers expect.
 *
 * @param endpoint the server, e.g. {@code http://minio:9000}; empty for AWS itself
 * @param region the signing region; empty lets the SDK decide ({@code us-east-1} if it cannot)
 */
public record S3Settings(
    Optional<URI> endpoint,
    Optional<String> region,
    Optional<String> accessKeyId,
    Optional<String> secretAccessKey,
    Optional<String> sessionToken) {
  public S3Settings {
    if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
      throw new ArtifactStoreException(
          "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use the AWS"
              + " profile or instance role)");
    }
    endpoint.ifPresent(
        e -> {
          if (e.getScheme() == null || e.getHost() == null) {
            throw new ArtifactStoreException(
                "KILN_S3_ENDPOINT must be a URL such as http://minio:9000, got '" + e + "'");
          }
        });
  }

  /**
   * Reads {@code KILN_S3_ENDPOINT}, {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}), {@code
   * AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN}; blank counts
   * as unset.
   */
  public static S3Settings fromEnvironment(Map<String, String> env) {
    Optional<URI> endpoint;
    Optional<String> text = value(env, "KILN_S3_ENDPOINT");
    try {
      endpoint = text.map(URI::create);
    } catch (IllegalArgumentException e) {
      throw new ArtifactStoreException(
          "KILN_S3_ENDPOINT must be a URL such as http://minio:9000, got '" + text.get() + "'", e);
    }
    return new S3Settings(
        endpoint,
        value(env, "AWS_REGION").or(() -> value(env, "AWS_DEFAULT_REGION")),
        value(env, "AWS_ACCESS_KEY_ID"),
        value(env, "AWS_SECRET_ACCESS_KEY"),
        value(env, "AWS_SESSION_TOKEN"));
  }

  /** An S3-compatible server with these keys, in {@code us-east-1}. */
  public static S3Settings of(URI endpoint, String accessKeyId, String secretAccessKey) {
    return new S3Settings(
        Optional.of(endpoint),
        Optional.of("us-east-1"),
        Optional.of(accessKeyId),
        Optional.of(secretAccessKey),
        Optional.empty());
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint.map(URI::toString).orElse("AWS")
        + ", region="
        + region.orElse("default")
        + ", credentials="
        + (accessKeyId.isPresent() ? "AWS_ACCESS_KEY_ID " + accessKeyId.get() : "default chain")
        + "]";
  }
}
