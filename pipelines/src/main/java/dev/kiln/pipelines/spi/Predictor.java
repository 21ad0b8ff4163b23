package dev.kiln.pipelines.spi;

import java.util.List;

/**
 * A loaded model that answers inputs, as DJL's {@code Predictor}: a step and an endpoint hold the
 * same one, so a model gives the same answers in a pipeline and over HTTP. It owns native memory
 * (a network's parameters), hence {@link AutoCloseable}. Implementations are thread-safe: callers
 * may share one, and a batcher in front of it decides how inputs are grouped.
 *
 * @param <I> one input (a decoded image for a detector)
 * @param <O> what the model says about one input
 */
public interface Predictor<I, O> extends AutoCloseable {
  /**
   * The answers to {@code inputs} in their order, computed in forward passes of as many inputs as
   * the predictor allows at once. The same input gives the same answer whatever batch it is in.
   */
  List<O> batchPredict(List<I> inputs);

  /** The answer to one input. */
  default O predict(I input) {
    return batchPredict(List.of(input)).get(0);
  }

  /** Frees the model's memory; the predictor answers nothing after. */
  @Override
  void close();
}
