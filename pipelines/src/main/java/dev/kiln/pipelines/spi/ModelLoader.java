package dev.kiln.pipelines.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads one kind of model folder (an artifact type, such as {@code kiln-darknet-detector}) into a
 * {@link Predictor}. Each algorithm family implements one and lists it in {@code
 * META-INF/services/dev.kiln.pipelines.spi.ModelLoader}; {@link ModelLoaders} finds it by the
 * artifact type a folder declares, so whoever serves models needs no family's classes.
 *
 * @param <I> the predictor's input type
 * @param <O> the predictor's output type
 */
public interface ModelLoader<I, O> {
  /** The artifact type this loader reads; unique among loaders. */
  String artifactType();

  /** The input type of the predictors it makes, for callers that check before they load. */
  Class<I> inputType();

  /** The output type of the predictors it makes. */
  Class<O> outputType();

  /** True when {@code dir} is a model folder of this loader's artifact type. */
  boolean accepts(Path dir);

  /**
   * Loads the model in {@code dir} once.
   *
   * @param options loader settings by name, such as {@code device} ({@code cpu}, {@code cuda:0};
   *     absent: the engine's default), {@code score_threshold} or {@code batch_size}; a loader
   *     rejects names it does not know, naming the ones it does
   * @throws IllegalArgumentException for a folder or option the user can fix, saying how
   */
  Predictor<I, O> load(Path dir, Map<String, String> options) throws IOException;
}
