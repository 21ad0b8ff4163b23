package dev.kiln.pipelines.spi;

import dev.kiln.pipelines.validation.DidYouMean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The {@link ModelLoader}s on the class path, keyed by artifact type. */
public final class ModelLoaders {
  private final Map<String, ModelLoader<?, ?>> byType = new LinkedHashMap<>();

  private ModelLoaders() {}

  /** Every loader visible to {@code loader}; two with one artifact type are an error. */
  public static ModelLoaders load(ClassLoader loader) {
    ModelLoaders r = new ModelLoaders();
    List<String> clashes = new ArrayList<>();
    for (ModelLoader<?, ?> l : ServiceLoader.load(ModelLoader.class, loader)) {
      ModelLoader<?, ?> old = r.byType.putIfAbsent(l.artifactType(), l);
      if (old != null && old.getClass() != l.getClass()) {
        clashes.add(l.artifactType() + " (" + old.getClass().getName() + ", "
            + l.getClass().getName() + ")");
      }
    }
    if (!clashes.isEmpty()) {
      throw new IllegalStateException(
          "two model loaders claim one artifact type: " + String.join("; ", clashes));
    }
    return r;
  }

  public static ModelLoaders load() {
    return load(Thread.currentThread().getContextClassLoader());
  }

  /** The artifact types there are loaders for, in class-path order. */
  public List<String> artifactTypes() {
    return List.copyOf(byType.keySet());
  }

  public Optional<ModelLoader<?, ?>> forType(String artifactType) {
    return Optional.ofNullable(byType.get(artifactType));
  }

  /** The loader whose artifact type the folder is, if any. */
  public Optional<ModelLoader<?, ?>> forFolder(Path dir) {
    for (ModelLoader<?, ?> l : byType.values()) {
      if (l.accepts(dir)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  /**
   * The loader for {@code dir}, or an {@link IllegalArgumentException} that says which artifact
   * types can be loaded.
   */
  public ModelLoader<?, ?> require(Path dir) {
    return forFolder(dir).orElseThrow(() -> new IllegalArgumentException(
        dir + " is not a model folder any loader reads "
            + DidYouMean.known("artifact types known", byType.keySet())));
  }
}
