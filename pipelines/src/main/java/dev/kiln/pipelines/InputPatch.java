package dev.kiln.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's change to one input of its step (valohai.yaml {@code override.inputs[]}): only the
 * fields that are present replace the step's.
 */
public record InputPatch(
    String name,
    Optional<List<String>> defaults,
    Optional<Boolean> optional,
    Optional<String> description,
    Optional<String> filename,
    Optional<KeepDirectories> keepDirectories,
    Optional<String> download,
    Map<String, Object> extensions) {

  public InputPatch {
    checkArgument(name != null && !name.isEmpty(), "an input override needs a name");
    defaults = Objects.requireNonNull(defaults, "defaults").map(List::copyOf);
    Objects.requireNonNull(optional, "optional");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(filename, "filename");
    Objects.requireNonNull(keepDirectories, "keepDirectories");
    Objects.requireNonNull(download, "download");
    extensions = Extensions.copyOf(extensions);
  }

  /** A patch that changes nothing but names the input. */
  public static InputPatch named(String name) {
    return new InputPatch(
        name,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Map.of());
  }

  public InputSpec applyTo(InputSpec spec) {
    InputSpec.Builder b = spec.toBuilder();
    defaults.ifPresent(b::optDefaults);
    optional.ifPresent(b::optOptional);
    description.ifPresent(b::optDescription);
    filename.ifPresent(b::optFilename);
    keepDirectories.ifPresent(b::optKeepDirectories);
    download.ifPresent(b::optDownload);
    if (!extensions.isEmpty()) {
      b.optExtensions(Patches.merge(spec.extensions(), extensions));
    }
    return b.build();
  }
}
