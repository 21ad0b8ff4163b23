package dev.kiln.lineage.artifact;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.regex.Pattern;

/**
 * An {@code s3://bucket/key} address: an object, a prefix (a key ending in {@code /}, or empty for
 * the whole bucket) or, for inputs, a glob of keys. Kept as text so no AWS type reaches callers.
 */
public record S3Uri(String bucket, String key) {
  public static final String SCHEME = "s3://";

  /** S3's bucket naming rules, loosely: S3-compatible servers accept a little more. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,62}");

  public S3Uri {
    checkArgument(
        bucket != null && BUCKET.matcher(bucket).matches(),
        "not an S3 bucket name: '%s' (expected 3-63 lower-case letters, digits, '.', '-')",
        bucket);
    checkArgument(key != null, "key must not be null (use \"\" for the whole bucket)");
    checkArgument(!key.startsWith("/"), "an S3 key must not start with '/', got '%s'", key);
  }

  /** True when {@code text} is meant as an S3 address. */
  public static boolean isS3(String text) {
    return text != null && text.startsWith(SCHEME);
  }

  /**
   * Parses {@code s3://bucket/key}; throws an {@link ArtifactStoreException} that shows the form
   * when {@code text} is not one.
   */
  public static S3Uri parse(String text) {
    if (!isS3(text)) {
      throw new ArtifactStoreException(
          "not an S3 URI: '" + text + "' (expected s3://bucket/key or s3://bucket/prefix/)");
    }
    String rest = text.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    try {
      return new S3Uri(bucket, key);
    } catch (IllegalArgumentException e) {
      throw new ArtifactStoreException(text + " is not a valid S3 URI: " + e.getMessage(), e);
    }
  }

  /** This key as a prefix: with a trailing {@code /} unless empty. */
  public String asPrefix() {
    return key.isEmpty() || key.endsWith("/") ? key : key + "/";
  }

  /** The object {@code relative} below this prefix. */
  public S3Uri child(String relative) {
    return new S3Uri(bucket, asPrefix() + relative);
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
