package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.pipelines.types.ArtifactType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A step input: a named folder under {@code inputs/} filled from default URIs, an edge, or what the
 * user gives when starting a run.
 *
 * @param defaults URIs used when nothing else feeds the input (local paths, {@code file://}, {@code
 *     http(s)://}, {@code datum://})
 * @param type what the input expects; {@link ArtifactType#FILES} accepts anything
 * @param download valohai.yaml's {@code download} policy, kept as written
 */
public record InputSpec(
    String name,
    List<String> defaults,
    boolean optional,
    Optional<String> description,
    Optional<String> filename,
    KeepDirectories keepDirectories,
    Optional<String> download,
    ArtifactType type,
    Map<String, Object> extensions) {

  public InputSpec {
    checkArgument(name != null && !name.isEmpty(), "an input needs a name");
    defaults = List.copyOf(defaults);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(filename, "filename");
    Objects.requireNonNull(keepDirectories, "keepDirectories");
    Objects.requireNonNull(download, "download");
    Objects.requireNonNull(type, "type");
    extensions = Extensions.copyOf(extensions);
  }

  /** A required, untyped input with no default. */
  public static InputSpec of(String name) {
    return builder(name).build();
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public Builder toBuilder() {
    return new Builder(name)
        .optDefaults(defaults)
        .optOptional(optional)
        .optDescription(description.orElse(null))
        .optFilename(filename.orElse(null))
        .optKeepDirectories(keepDirectories)
        .optDownload(download.orElse(null))
        .optType(type)
        .optExtensions(extensions);
  }

  /** Builder; only {@code name} is required. */
  public static final class Builder {
    private final String name;
    private List<String> defaults = List.of();
    private boolean optional;
    private Optional<String> description = Optional.empty();
    private Optional<String> filename = Optional.empty();
    private KeepDirectories keepDirectories = KeepDirectories.NONE;
    private Optional<String> download = Optional.empty();
    private ArtifactType type = ArtifactType.FILES;
    private Map<String, Object> extensions = Map.of();

    private Builder(String name) {
      this.name = name;
    }

    public Builder optDefaults(List<String> v) {
      defaults = List.copyOf(v);
      return this;
    }

    public Builder optDefault(String v) {
      defaults = List.of(v);
      return this;
    }

    public Builder optOptional(boolean v) {
      optional = v;
      return this;
    }

    public Builder optDescription(String v) {
      description = Optional.ofNullable(v);
      return this;
    }

    public Builder optFilename(String v) {
      filename = Optional.ofNullable(v);
      return this;
    }

    public Builder optKeepDirectories(KeepDirectories v) {
      keepDirectories = Objects.requireNonNull(v);
      return this;
    }

    public Builder optDownload(String v) {
      download = Optional.ofNullable(v);
      return this;
    }

    public Builder optType(ArtifactType v) {
      type = Objects.requireNonNull(v);
      return this;
    }

    public Builder optExtensions(Map<String, Object> v) {
      extensions = v;
      return this;
    }

    public InputSpec build() {
      return new InputSpec(
          name, defaults, optional, description, filename, keepDirectories, download, type,
          extensions);
    }
  }
}
