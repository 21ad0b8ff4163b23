package dev.kiln.pipelines.types;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.CaseFormat;
import java.util.regex.Pattern;

/**
 * The name of an artifact type as written in definitions ({@code tfrecord-shards}). Derived from a
 * marker class's simple name, so the DSL's compile-time types and the names in valohai.yaml agree.
 */
public record ArtifactType(String name) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  /** Untyped files: accepted by every input and accepting every output. */
  public static final ArtifactType FILES = new ArtifactType("files");

  public ArtifactType {
    checkArgument(
        name != null && NAME.matcher(name).matches(),
        "an artifact type name is lower-case words joined by '-', like tfrecord-shards; got %s",
        name);
  }

  /** The type named after a marker class: {@code TfRecordShards} is {@code tf-record-shards}. */
  public static ArtifactType of(Class<? extends Files> marker) {
    return new ArtifactType(
        CaseFormat.UPPER_CAMEL.to(CaseFormat.LOWER_HYPHEN, marker.getSimpleName()));
  }

  public boolean isUntyped() {
    return equals(FILES);
  }

  /** Whether an output of type {@code produced} may feed an input of this type. */
  public boolean accepts(ArtifactType produced) {
    return isUntyped() || produced.isUntyped() || equals(produced);
  }

  @Override
  public String toString() {
    return name;
  }
}
